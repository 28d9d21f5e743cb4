"""`flask rota ...` and `flask absences ...`: each vet's week and their times away."""

import click

from app.cli import CommandGroup, text_table
from app.database import write_transactions
from app.extensions import db
from app.i18n import _, _l, weekday_name
from app.models import Absence
from app.working_time.calendar import ON_WEEKDAYS
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

# Every week on a weekday, Monday first (date.weekday()).
EVERY_WEEKDAY = (
    # TRANSLATORS: "Mondays" ... fill %(weekdays)s in "%(vet)s works %(weekdays)s 09:00–17:00."
    _l("Mondays"),
    _l("Tuesdays"),
    _l("Wednesdays"),
    _l("Thursdays"),
    _l("Fridays"),
    _l("Saturdays"),
    _l("Sundays"),
)


@rota_cli.command("show")
@click.argument("vet_id", metavar="VET_ID", type=int)
def show_rota(vet_id):
    """A vet's week: their rota, or the clinic's hours for a vet without one."""
    vet = vet_or_fail(vet_id)
    has_rota = bool(vet_week(vet.id))
    week = effective_week(vet.id)
    rows = [
        (weekday_name(day),
         *((hhmm(s[0]), hhmm(s[1]), f"{hhmm(s[2])}–{hhmm(s[3])}" if s[2] else "")
           if (s := week[day]) else (_("off"), "", "")))
        for day in range(7)
    ]
    if not has_rota:
        click.echo(_("%(vet)s has no rota: they work the clinic's hours.", vet=vet.full_name))
    click.echo(text_table((_("Day"), _("Starts"), _("Ends"), _("Break")), rows))


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
        first, _dash, last = break_.partition("-")
        clock = Clock()
        break_starts = clock.convert(first.strip(), None, None) if first.strip() else None
        break_ends = clock.convert(last.strip(), None, None) if last.strip() else None
        if break_starts is None or break_ends is None:
            raise click.BadParameter(_("Write the break as HH:MM-HH:MM."), param_hint="--break")
    if problem := shift_problem(starts, ends, break_starts, break_ends):
        raise click.BadParameter(problem[0], param_hint="--break" if "break" in problem[1]
                                 else "ENDS")
    with write_transactions():
        vet = vet_or_fail(vet_id)
        set_rota_day(vet, weekday, (starts, ends, break_starts, break_ends))
        db.session.commit()
    hours = {"vet": vet.full_name, "weekdays": EVERY_WEEKDAY[weekday],
             "starts": f"{starts:%H:%M}", "ends": f"{ends:%H:%M}"}
    if break_starts:
        click.echo(_("%(vet)s works %(weekdays)s %(starts)s–%(ends)s, break "
                     "%(break_starts)s–%(break_ends)s.", break_starts=hhmm(break_starts),
                     break_ends=hhmm(break_ends), **hours))
    else:
        click.echo(_("%(vet)s works %(weekdays)s %(starts)s–%(ends)s.", **hours))
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
    click.echo(_("%(vet)s does not work %(on_weekdays)s.", vet=vet.full_name,
                 on_weekdays=ON_WEEKDAYS[weekday]))
    echo_to_rebook(vet_ids=[vet.id])


@rota_cli.command("clear")
@click.argument("vet_id", metavar="VET_ID", type=int)
def rota_clear(vet_id):
    """Remove a vet's rota: they work whenever the clinic is open."""
    with write_transactions():
        vet = vet_or_fail(vet_id)
        removed = clear_rota(vet)
        db.session.commit()
    if removed:
        click.echo(_("%(vet)s has no rota now: they work the clinic's hours.", vet=vet.full_name))
    else:
        click.echo(_("%(vet)s had no rota: they work the clinic's hours.", vet=vet.full_name))
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
    starts, ends = f"{starts_at:%Y-%m-%d %H:%M}", f"{ends_at:%Y-%m-%d %H:%M}"
    click.echo(_("Absence %(id)s: %(vet)s away %(starts)s to %(ends)s (%(reason)s).",
                 id=absence.id, vet=vet.full_name, starts=starts, ends=ends, reason=reason))
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
        click.echo(_("No absences."))
        return
    rows = [(a.id, a.vet.full_name, f"{a.starts_at:%Y-%m-%d %H:%M}", f"{a.ends_at:%Y-%m-%d %H:%M}",
             a.reason) for a in absences]
    click.echo(text_table((_("ID"), _("Vet"), _("From"), _("Until"), _("Reason")), rows))


@absences_cli.command("remove")
@click.argument("absence_id", metavar="ID", type=int)
def remove_absence_command(absence_id):
    """Remove an absence: the vet can be booked in that time again."""
    with write_transactions():
        absence = db.session.get(Absence, absence_id)
        if absence is None:
            raise click.ClickException(
                _("There is no absence with id %(id)s (see `flask absences list`).", id=absence_id)
            )
        remove_absence(absence)
        db.session.commit()
    click.echo(_("Absence %(id)s (%(reason)s) removed.", id=absence_id, reason=absence.reason))
