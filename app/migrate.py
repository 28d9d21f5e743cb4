"""`flask db`: Flask-Migrate's commands, bound to the app only when a command needs them.

Importing Flask-Migrate imports Alembic, and with it Mako and Pygments: about 130 ms, a
sixth of importing the app, which gunicorn's workers (and every test that builds an app)
never need. So the app registers a stand-in `db` command; when a `flask db` command runs, it
binds Flask-Migrate to the app (which puts the real group in its place) and hands the
arguments over to it. `flask seed demo --upgrade` binds it the same way.
"""

from pathlib import Path

import click
from flask import current_app

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def bind_migrations(app):
    """Flask-Migrate on ``app`` (once): app.extensions["migrate"] and the real `db` group."""
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        from app.extensions import db

        Migrate(app, db, directory=str(MIGRATIONS), compare_type=True, render_as_batch=True)
    return app.cli.commands["db"]


class MigrationCommands(click.Command):
    """The stand-in `db` command: run, it hands its arguments to Flask-Migrate's own group."""

    def __init__(self, app):
        super().__init__("db", help="Perform database migrations (Flask-Migrate, Alembic).")
        self.app = app

    def make_context(self, info_name, args, parent=None, **extra):
        # Click parses a command's arguments in its context: the real group's, options and
        # subcommands and all, from here on.
        real = bind_migrations(self.app)
        return real.make_context(info_name, args, parent=parent, **extra)


def register_migrations(app):
    """The `flask db` commands, Flask-Migrate imported only when one is run."""
    app.cli.add_command(MigrationCommands(app))


def upgrade_schema():
    """`flask db upgrade` in this process, for the app of the current context."""
    bind_migrations(current_app._get_current_object())
    from flask_migrate import upgrade

    upgrade()
