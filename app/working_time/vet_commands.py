"""`flask rota ...` and `flask absences ...`: each vet's week and their times away."""

import click

from app.cli import CommandGroup, text_table
from app.database import write_transactions
from app.extensions import db
from app.models import Absence
from app.models.working_time import WEEKDAYS
from app.working_time.commands import (
    Clock,
    Moment,
    Weekday,
    echo_to_rebook,
    hhmm,
    reason_text,
    refused,
    vet_or_fail,
)
from app.working_time.services import (
    WorkingTimeRefused,
    absences_of,
    add_absence,
    clear_rota,
    effective_week,
    remove_absence,
    set_rota_day,
    shift_problem,
    vet_week,
)

rota_cli = CommandGroup("rota", help="A vet's weekly rota (no rota: the clinic's hours).")
absences_cli = CommandGroup("absences", help="Times a vet is away.")



@rota_cli.command("show")
@click.argument("vet_id", metavar="VET_ID", type=int)
def show_rota(vet_id):
    """A vet's week: their rota, or the clinic's hours for a vet without one."""
    vet = vet_or_fail(vet_id)
    has_rota = bool(vet_week(vet.id))
    week = effective_week(vet.id)
    rows = [
        (WEEKDAYS[day], *((hhmm(s[0]), hhmm(s[1]), f"{hhmm(s[2])}–{hhmm(s[3])}" if s[2] else "")
                          if (s := week[day]) else ("off", "", "")))
        for day in range(7)
    ]
    if not has_rota:
        click.echo(f"{vet.full_name} has no rota: they work the clinic's hours.")
    click.echo(text_table(("Day", "Starts", "Ends", "Break"), rows))


@rota_cli.command("set")
@click.argument("vet_id", metavar="VET_ID", type=int)
@click.argument("weekday", type=Weekday())
@click.argument("starts", type=Clock())
@click.argument("ends", type=Clock())
@click.option("--break", "break_", metavar="HH:MM-HH:MM", help="A break inside the hours.")
def set_rota_command(vet_id, weekday, starts, ends, break_):
    """Set a vet's hours on a weekday; their other days stay as they were."""
    break_starts = break_ends = None
    if break_:
        first, _, last = break_.partition("-")
        clock = Clock()
        break_starts = clock.convert(first.strip(), None, None) if first.strip() else None
        break_ends = clock.convert(last.strip(), None, None) if last.strip() else None
        if break_starts is None or break_ends is None:
            raise click.BadParameter("Write the break as HH:MM-HH:MM.", param_hint="--break")
    if problem := shift_problem(starts, ends, break_starts, break_ends):
        raise click.BadParameter(problem[0], param_hint="--break" if "break" in problem[1]
                                 else "ENDS")
    with write_transactions():
        vet = vet_or_fail(vet_id)
        set_rota_day(vet, weekday, (starts, ends, break_starts, break_ends))
        db.session.commit()
    extra = f", break {break_starts:%H:%M}–{break_ends:%H:%M}" if break_starts else ""
    click.echo(f"{vet.full_name} works {WEEKDAYS[weekday]}s {starts:%H:%M}–{ends:%H:%M}{extra}.")
    echo_to_rebook(vet_ids=[vet.id])


@rota_cli.command("off")
@click.argument("vet_id", metavar="VET_ID", type=int)
@click.argument("weekday", type=Weekday())
def rota_off(vet_id, weekday):
    """Make a weekday a vet's day off; their other days stay as they were."""
    with write_transactions():
        vet = vet_or_fail(vet_id)
        try:
            set_rota_day(vet, weekday, None)
        except WorkingTimeRefused as refusal:
            raise refused(refusal) from None
        db.session.commit()
    click.echo(f"{vet.full_name} does not work on {WEEKDAYS[weekday]}s.")
    echo_to_rebook(vet_ids=[vet.id])


@rota_cli.command("clear")
@click.argument("vet_id", metavar="VET_ID", type=int)
def rota_clear(vet_id):
    """Remove a vet's rota: they work whenever the clinic is open."""
    with write_transactions():
        vet = vet_or_fail(vet_id)
        removed = clear_rota(vet)
        db.session.commit()
    done = "had no rota" if not removed else "has no rota now"
    click.echo(f"{vet.full_name} {done}: they work the clinic's hours.")
    echo_to_rebook(vet_ids=[vet.id])


@absences_cli.command("add")
@click.argument("vet_id", metavar="VET_ID", type=int)
@click.argument("starts_at", type=Moment())
@click.argument("ends_at", type=Moment())
@click.argument("reason")
def add_absence_command(vet_id, starts_at, ends_at, reason):
    """Record that a vet is away from STARTS_AT up to ENDS_AT, for REASON."""
    reason = reason_text(reason, Absence.reason)
    with write_transactions():
        vet = vet_or_fail(vet_id)
        try:
            absence = add_absence(vet, starts_at, ends_at, reason)
        except WorkingTimeRefused as refusal:
            raise refused(refusal) from None
        db.session.commit()
    click.echo(f"Absence {absence.id}: {vet.full_name} away {starts_at:%Y-%m-%d %H:%M} to "
               f"{ends_at:%Y-%m-%d %H:%M} ({reason}).")
    echo_to_rebook(vet_ids=[vet.id], first_day=starts_at.date(), last_day=ends_at.date())


@absences_cli.command("list")
@click.argument("vet_id", metavar="[VET_ID]", type=int, required=False)
@click.option("--all", "everything", is_flag=True, help="Absences that are over too.")
def list_absences(vet_id, everything):
    """Absences not yet over (of one vet, or of all), by start."""
    if vet_id is not None:
        vet_or_fail(vet_id)
    absences = absences_of(None if vet_id is None else [vet_id], upcoming=not everything)
    if not absences:
        click.echo("No absences.")
        return
    rows = [(a.id, a.vet.full_name, f"{a.starts_at:%Y-%m-%d %H:%M}", f"{a.ends_at:%Y-%m-%d %H:%M}",
             a.reason) for a in absences]
    click.echo(text_table(("ID", "Vet", "From", "Until", "Reason"), rows))


@absences_cli.command("remove")
@click.argument("absence_id", metavar="ID", type=int)
def remove_absence_command(absence_id):
    """Remove an absence: the vet can be booked in that time again."""
    with write_transactions():
        absence = db.session.get(Absence, absence_id)
        if absence is None:
            raise click.ClickException(
                f"There is no absence with id {absence_id} (see `flask absences list`)."
            )
        remove_absence(absence)
        db.session.commit()
    click.echo(f"Absence {absence_id} ({absence.reason}) removed.")
