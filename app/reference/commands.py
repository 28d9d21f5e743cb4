"""`flask specialties ...` and `flask pettypes ...`: add and list a name-only reference table."""

import click

from app.cli import CommandGroup, text_table
from app.database import write_transactions
from app.extensions import db
from app.reference import add_named, list_named


def reference_group(name, model, noun):
    """A command group with `add NAME` and `list` for ``model`` (PetType, Specialty)."""
    group = CommandGroup(name, help=f"The {noun} list (reference data).")

    @group.command("add", help=f"Add a {noun}; names are stored lower-case and must be new.")
    @click.argument("name")
    def add(name):
        with write_transactions():
            try:
                row = add_named(model, name)
            except ValueError as refusal:  # DuplicateName, or an empty or overlong name
                raise click.ClickException(f"No {noun} added: {refusal}") from None
            db.session.commit()
        click.echo(f"Added {noun} {row.name!r} (id {row.id}).")

    @group.command("list", help=f"List every {noun}, by name.")
    def list_rows():
        rows = list_named(model)
        if not rows:
            click.echo(f"No {noun} yet.")
            return
        click.echo(text_table(("ID", "Name"), [(row.id, row.name) for row in rows]))

    return group
