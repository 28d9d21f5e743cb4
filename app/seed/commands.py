"""`flask seed ...` commands."""

import click
from flask.cli import AppGroup

from app.database import write_transactions
from app.extensions import db
from app.seed.demo import (
    DEMO_ACCOUNTS,
    ensure_demo_accounts,
    ensure_reference_data,
    seed_demo_clinic,
)


seed = AppGroup("seed", help="Fill the database with reference data or demo data.")


@seed.command("demo")
def seed_demo():
    """Reference data, a demo clinic and demo sign-ins; safe to run again (skips what exists)."""
    with write_transactions():
        added = ensure_reference_data()
        created = seed_demo_clinic()
        accounts = ensure_demo_accounts()
        db.session.commit()
    click.echo(f"Reference data: {added} rows added.")
    if created:
        click.echo("Demo clinic created: 10 owners, 13 pets, 6 vets, appointments and visits.")
    else:
        click.echo("Demo clinic skipped: the database already has owners.")
    click.echo(f"Demo accounts: {accounts} created. Sign in with one of these (demo only):")
    for username, password, role, _ in DEMO_ACCOUNTS:
        click.echo(f"  {role:<10} username {username:<10} password {password}")
