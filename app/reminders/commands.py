"""`flask reminders due`: the call list as a table to print; `flask reminders queue`: the daily run."""

from datetime import datetime

import click
from flask import current_app

from app.cli import CommandGroup, text_table
from app.clinic import clinic_now, clinic_today
from app.database import write_transactions
from app.extensions import db
from app.i18n import _, _l, ngettext
from app.messages.reminder_run import queue_reminders
from app.models import VaccineType, Vet
from app.reminders.call_list import call_list_row
from app.reminders.due import all_due
from app.reminders.forms import DEFAULT_DAYS_AHEAD, due_filter

DATE = click.DateTime(formats=["%Y-%m-%d"])
HEADERS = (_l("Owner"), _l("Telephone"), _l("Email"), _l("Last reminder"), _l("Pets due"))

reminders_cli = CommandGroup("reminders", help="Vaccination reminders.")


@reminders_cli.command("due")
@click.option("--from", "first_day", type=DATE,
              help="Due from this day (YYYY-MM-DD). Default: every overdue dose too.")
@click.option("--to", "last_day", type=DATE,
              help=f"Due by this day (YYYY-MM-DD). Default: {DEFAULT_DAYS_AHEAD} days from today.")
@click.option("--vaccine", "vaccine_id", type=int, help="Only this vaccine type (by id).")
@click.option("--vet", "vet_id", type=int, help="Only doses last given by this vet (by id).")
def due(first_day, last_day, vaccine_id, vet_id):
    """Print the owners to call: one row per owner with every pet due, as on the due list."""
    if vaccine_id is not None and db.session.get(VaccineType, vaccine_id) is None:
        raise click.BadParameter(
            _("no vaccine type %(id)s (see `flask vaccines list`).", id=vaccine_id),
            param_hint="'--vaccine'",
        )
    if vet_id is not None and db.session.get(Vet, vet_id) is None:
        raise click.BadParameter(_("no vet %(id)s (see `flask vets list`).", id=vet_id),
                                 param_hint="'--vet'")
    if last_day and first_day and last_day < first_day:
        raise click.BadParameter(_("the end of the range is before its start."),
                                 param_hint="'--to'")
    filters = due_filter(first_day.date() if first_day else None,
                         last_day.date() if last_day else None, vaccine_id, vet_id)
    today = clinic_today()
    if filters.first_day:
        click.echo(_("Vaccinations due from %(first)s to %(last)s",
                     first=filters.first_day.isoformat(), last=filters.last_day.isoformat()))
    else:
        click.echo(_("Vaccinations due by %(last)s, overdue ones included",
                     last=filters.last_day.isoformat()))
    click.echo()
    rows = [call_list_row(row, today) for row in all_due(filters)]
    if not rows:
        click.echo(_("Nobody to call."))
        return
    click.echo(text_table([str(header) for header in HEADERS], [
        (row["owner"], row["telephone"], row["email"] or "-",
         row["last_reminder_sent"] or _("never"), row["pets_due"]) for row in rows
    ]))
    click.echo()
    click.echo(ngettext("%(num)d owner to call.", "%(num)d owners to call.", len(rows)))


@reminders_cli.command("queue")
@click.option("--date", "day", type=DATE,
              help="Run as of this day (YYYY-MM-DD), at the present time of day. Default: today.")
def queue_command(day):
    """Queue the appointment and vaccination reminders due now; a rerun queues nothing new."""
    now = clinic_now()
    if day is not None:
        if day.date() < now.date():
            raise click.BadParameter(_("the run cannot be made as of a day that has passed."),
                                     param_hint="'--date'")
        now = datetime.combine(day.date(), now.time())
    if not current_app.config.get("SITE_URL"):
        click.echo(_("Warning: SITE_URL is not set, so unsubscribe links point to "
                     "http://localhost."), err=True)
    with write_transactions():
        counts = queue_reminders(now)
        db.session.commit()
    as_of = f"{now:%Y-%m-%d %H:%M}"
    click.echo(_("Reminders as of %(now)s:", now=as_of))
    # Counts, as "label: number" lines (tests/test_reminder_run.py compares the English).
    click.echo("  " + _("appointment reminders queued: %(queued)d (%(withheld)d owners without "
                        "an email address)", queued=counts.appointments,
                        withheld=counts.appointments_withheld))
    click.echo("  " + _("vaccination reminders queued: %(queued)d, listing %(doses)d "
                        "vaccinations (%(withheld)d owners without an email address or consent)",
                        queued=counts.owners, doses=counts.doses,
                        withheld=counts.owners_withheld))
    if counts.raced:
        click.echo("  " + _("already queued by another run meanwhile: %(raced)d",
                            raced=counts.raced))
