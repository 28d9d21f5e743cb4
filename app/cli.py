"""What the `flask` commands share: their group class, progress bars and plain-text tables."""

import sys

import click
import sqlalchemy as sa
from flask.cli import AppGroup, ScriptInfo

from app.constraints import violation
from app.i18n import _


class CommandGroup(AppGroup):
    """An AppGroup whose commands report a database failure as a message, never a traceback.

    The command's app context has already been torn down when the error gets here, so its
    session was removed and its transaction rolled back: nothing is half-written.
    """

    def invoke(self, ctx):
        """Run the chosen command; turn a database error it did not handle into a clear one."""
        try:
            return super().invoke(ctx)
        except sa.exc.DBAPIError as error:
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            if isinstance(error, sa.exc.IntegrityError) and (refusal := violation(error)):
                reason = refusal.message.rstrip(".")  # a race another command or request won
            # Said in the clinic's language: a context of the (already loaded) app again.
            with ctx.ensure_object(ScriptInfo).load_app().app_context():
                if isinstance(error, (sa.exc.OperationalError, sa.exc.ProgrammingError)):
                    message = _("The database refused the command, nothing was changed: "
                                "%(reason)s. (Is DATABASE_URL right, and has `flask db upgrade` "
                                "been run?)", reason=reason)
                else:
                    message = _("The database refused the command, nothing was changed: "
                                "%(reason)s.", reason=reason)
            raise click.ClickException(message) from None


def command_group(name, help_text, *commands):
    """A CommandGroup holding commands that live in different features (e.g. `flask export`)."""
    group = CommandGroup(name, help=help_text)
    for command in commands:
        group.add_command(command)
    return group


def progress_bar(label, iterable=None, length=None):
    """A click progress bar on stderr, shown only when stderr is a terminal."""
    return click.progressbar(
        iterable, length=length, label=label, file=sys.stderr, hidden=not sys.stderr.isatty()
    )


def text_table(headers, rows):
    """Rows as a plain-text table: left-aligned columns under a ruled header line."""
    rows = [[str(value) for value in row] for row in rows]
    widths = [max(len(value) for value in column) for column in zip(headers, *rows)]

    def line(values):
        return "  ".join(value.ljust(width) for value, width in zip(values, widths)).rstrip()

    return "\n".join([line(headers), line("-" * width for width in widths), *map(line, rows)])
