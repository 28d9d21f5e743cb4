"""`flask hours ...` and `flask closures ...`, and what every working-time command shares.

Every change goes through app.working_time.services, under the forms' rules, in one
transaction; afterwards the scheduled appointments it left outside working time are printed,
to rebook (the change itself stands: staff decide what to move).
"""

from datetime import datetime, time

import click
import sqlalchemy as sa

from app.cli import CommandGroup, text_table
from app.clinic import clinic_today
from app.database import write_transactions
from app.extensions import db
from app.i18n import _, ngettext, weekday, weekday_name
from app.i18n import day as day_text
from app.models import ClinicClosure, Vet
from app.models.working_time import WEEKDAYS
from app.validation import has_control_characters, max_length
from app.working_time.calendar import clinic_hours, hhmm
from app.working_time.services import (
    WorkingTimeRefused,
    add_closure,
    hours_problem,
    remove_closure,
    set_clinic_day,
    to_rebook,
)

hours_cli = CommandGroup("hours", help="The clinic's opening hours per weekday.")
closures_cli = CommandGroup("closures", help="Days the whole clinic is closed.")


class Weekday(click.ParamType):
    """A weekday by name (monday, Mon, ...): its number, 0 for Monday."""

    name = "WEEKDAY"

    def convert(self, value, param, ctx):
        word = str(value).strip().lower()
        for number, name in enumerate(WEEKDAYS):
            if len(word) >= 3 and name.lower().startswith(word):
                return number
        self.fail(_("%(value)s is not a weekday (monday … sunday).", value=repr(value)), param, ctx)


class Clock(click.ParamType):
    """A time of day written HH:MM."""

    name = "HH:MM"

    def convert(self, value, param, ctx):
        if isinstance(value, time):
            return value
        try:
            return datetime.strptime(value, "%H:%M").time()
        except ValueError:
            self.fail(_("%(value)s is not a time of day written HH:MM.", value=repr(value)),
                      param, ctx)


class Moment(click.ParamType):
    """A day and time written YYYY-MM-DDTHH:MM (or a day alone: its midnight)."""

    name = "YYYY-MM-DDTHH:MM"

    def convert(self, value, param, ctx):
        for pattern in ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
            try:
                return datetime.strptime(value, pattern)
            except ValueError:
                continue
        self.fail(_("%(value)s is not a day and time written YYYY-MM-DDTHH:MM.", value=repr(value)),
                  param, ctx)


def reason_text(value, column):
    """A reason as the forms accept it: required, printable, within the column."""
    value = value.strip()
    if not value:
        raise click.BadParameter(_("Give a reason."), param_hint="REASON")
    if len(value) > max_length(column):
        raise click.BadParameter(
            ngettext("At most %(num)d character.", "At most %(num)d characters.",
                     max_length(column)),
            param_hint="REASON",
        )
    if has_control_characters(value):
        raise click.BadParameter(_("Remove the control characters."), param_hint="REASON")
    return value


def echo_to_rebook(**scope):
    """Print the scheduled appointments working time now refuses (after the commit)."""
    left = to_rebook(**scope)
    if not left:
        return
    # The English keeps "appointment(s)" (tests/test_cli_working_time.py compares it).
    click.echo(ngettext(
        "%(num)d scheduled appointment(s) now fall outside working time; rebook them:",
        "%(num)d scheduled appointment(s) now fall outside working time; rebook them:",
        len(left),
    ))
    rows = [
        (a.id, f"{a.starts_at:%Y-%m-%d %H:%M}", a.vet.full_name, a.pet.name,
         a.pet.owner.full_name, why.message)
        for a, why in left
    ]
    click.echo(text_table((_("ID"), _("When"), _("Vet"), _("Pet"), _("Owner"), _("Why")), rows))


def refused(refusal):
    """A service's refusal as the command's error (nothing was written)."""
    return click.ClickException(_("Nothing changed. %(why)s", why=str(refusal)))


def vet_or_fail(vet_id):
    """The vet with that id, or a click error."""
    vet = db.session.get(Vet, vet_id)
    if vet is None:
        raise click.ClickException(
            _("There is no vet with id %(id)s (see `flask vets list`).", id=vet_id)
        )
    return vet


# --- clinic hours and closures ---------------------------------------------------------------


@hours_cli.command("show")
def show_hours():
    """The clinic's hours per weekday (the CLINIC_OPENS/CLOSES defaults until set)."""
    hours = clinic_hours()
    rows = [(weekday_name(number), *(map(hhmm, hours[number]) if hours[number] else (_("closed"), "")))
            for number in range(7)]
    click.echo(text_table((_("Day"), _("Opens"), _("Closes")), rows))


@hours_cli.command("set")
@click.argument("weekday", type=Weekday())
@click.argument("opens", metavar="OPENS|closed")
@click.argument("closes", required=False, type=Clock())
def set_hours(weekday, opens, closes):
    """Open the clinic OPENS–CLOSES on a weekday, or `closed`; the other days keep theirs."""
    if opens.strip().lower() == "closed":
        if closes is not None:
            raise click.UsageError(_("A closed day takes no closing time."))
        opening = None
    else:
        opens = Clock().convert(opens, None, None)
        if closes is None:
            raise click.UsageError(_("Give the closing time too (or `closed`)."))
        if problem := hours_problem(opens, closes):
            raise click.BadParameter(problem, param_hint="CLOSES")
        opening = (opens, closes)
    with write_transactions():
        set_clinic_day(weekday, opening)
        db.session.commit()
    if opening:
        click.echo(_("%(weekday)s: %(opens)s–%(closes)s.", weekday=weekday_name(weekday),
                     opens=hhmm(opens), closes=hhmm(closes)))
    else:
        click.echo(_("%(weekday)s: closed.", weekday=weekday_name(weekday)))
    echo_to_rebook()


@closures_cli.command("add")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("reason")
def add_closure_command(day, reason):
    """Close the clinic on DAY (YYYY-MM-DD) for REASON."""
    reason = reason_text(reason, ClinicClosure.reason)
    with write_transactions():
        try:
            closure = add_closure(day.date(), reason)
        except WorkingTimeRefused as refusal:
            raise refused(refusal) from None
        db.session.commit()
    click.echo(_("The clinic is closed on %(weekday)s %(day)s (%(reason)s).",
                 weekday=weekday(closure.day), day=day_text(closure.day), reason=closure.reason))
    echo_to_rebook(first_day=closure.day, last_day=closure.day)


@closures_cli.command("list")
@click.option("--all", "everything", is_flag=True, help="Past closures too.")
def list_closures(everything):
    """The clinic's closures from today (with --all, past ones too)."""
    query = sa.select(ClinicClosure).order_by(ClinicClosure.day)
    if not everything:
        query = query.where(ClinicClosure.day >= clinic_today())
    closures = db.session.scalars(query).all()
    if not closures:
        click.echo(_("No closures."))
        return
    rows = [(c.day.isoformat(), weekday(c.day), c.reason) for c in closures]
    click.echo(text_table((_("Day"), _("Weekday"), _("Reason")), rows))


@closures_cli.command("remove")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
def remove_closure_command(day):
    """Open the clinic again on DAY."""
    with write_transactions():
        closure = remove_closure(day.date())
        if closure is None:
            iso_day = f"{day:%Y-%m-%d}"
            raise click.ClickException(_("The clinic has no closure on %(day)s.", day=iso_day))
        db.session.commit()
    click.echo(_("The clinic is open again on %(weekday)s %(day)s.", weekday=weekday(closure.day),
                 day=day_text(closure.day)))
