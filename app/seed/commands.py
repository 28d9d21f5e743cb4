"""`flask seed ...` commands."""

import click
from flask.cli import AppGroup

from app.database import write_transactions
from app.extensions import db
from app.seed.demo import ensure_reference_data, seed_demo_clinic


seed = AppGroup("seed", help="Fill the database with reference data or demo data.")


@seed.command("demo")
def seed_demo():
    """Reference data and a demo clinic; safe to run again (skips what exists)."""
    with write_transactions():
        added = ensure_reference_data()
        created = seed_demo_clinic()
        db.session.commit()
    click.echo(f"Reference data: {added} rows added.")
    if created:
        click.echo("Demo clinic created: 10 owners, 13 pets, 6 vets, appointments and visits.")
    else:
        click.echo("Demo clinic skipped: the database already has owners.")
