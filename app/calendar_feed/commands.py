"""`flask vets feed create|revoke VET_ID`: a vet's calendar feed from the command line."""

import click
from flask import current_app

from app.calendar_feed.services import NoSuchVet, feed_url, issue_feed, revoke_feed, webcal_url
from app.cli import CommandGroup
from app.database import write_transactions
from app.extensions import db
from app.i18n import _
from app.models import Vet

feed_cli = CommandGroup("feed", help="A vet's private calendar feed (iCalendar).")


@feed_cli.command("create")
@click.argument("vet_id", metavar="VET_ID", type=int)
@click.option(
    "--base-url",
    metavar="URL",
    help="The address staff reach the site at, e.g. https://clinic.example (default: SITE_URL).",
)
def create_feed(vet_id, base_url):
    """Make the vet's feed, or replace it (the old address stops at once); print its address."""
    base_url = base_url or current_app.config.get("SITE_URL")
    if not base_url:
        raise click.UsageError(
            _("Give --base-url (or set SITE_URL): the feed's address starts with it.")
        )
    try:
        feed_url("x", base_url)
    except ValueError as refusal:
        raise click.BadParameter(str(refusal), param_hint="--base-url") from None
    with write_transactions():
        try:
            secret = issue_feed(vet_id)
        except NoSuchVet:
            raise click.ClickException(
                _("There is no vet with id %(id)s (see `flask vets list`).", id=vet_id)
            ) from None
        db.session.commit()
    url = feed_url(secret, base_url)
    click.echo(_("Calendar feed of vet %(id)s; any earlier address no longer works:", id=vet_id))
    click.echo(url)
    click.echo(webcal_url(url))


@feed_cli.command("revoke")
@click.argument("vet_id", metavar="VET_ID", type=int)
def revoke(vet_id):
    """Revoke the vet's feed: its address answers 404 from now on."""
    with write_transactions():
        if db.session.get(Vet, vet_id) is None:
            raise click.ClickException(
                _("There is no vet with id %(id)s (see `flask vets list`).", id=vet_id)
            )
        if not revoke_feed(vet_id):
            click.echo(_("Vet %(id)s has no calendar feed.", id=vet_id))
            return
        db.session.commit()
    click.echo(_("The calendar feed of vet %(id)s is revoked.", id=vet_id))
