"""`flask users ...`: staff accounts from the command line."""

import contextlib
import sys

import click
import sqlalchemy as sa

from app.auth.services import (
    AccountError,
    create_user,
    end_sessions,
    find_user,
    set_password,
)
from app.cli import CommandGroup
from app.database import write_transactions
from app.extensions import db
from app.i18n import _, ngettext
from app.models import Role, User
from app.users.services import deactivate_account

users = CommandGroup("users", help="Create and manage staff accounts.")


def read_password():
    """A new password: prompted twice on a terminal, or one line from standard input."""
    if sys.stdin.isatty():
        return click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise click.ClickException(_("No password on standard input."))
    return line


@contextlib.contextmanager
def account_change():
    """One account change in a write transaction: committed, or refused with its reason."""
    with write_transactions():
        try:
            yield
        except AccountError as error:
            raise click.ClickException(str(error)) from None
        db.session.commit()


@contextlib.contextmanager
def changing(username):
    """The named account, to change in one account_change(); a clear error if there is none."""
    with account_change():
        yield user_or_fail(username)


def user_or_fail(username):
    """The account, or a clear error."""
    user = find_user(username)
    if user is None:
        raise click.ClickException(_("No account named %(name)s.", name=repr(username)))
    return user


@users.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True,
              help="reception, vet or admin.")
@click.option("--vet-id", type=int, help="For a vet account: the vet it belongs to.")
def create(username, role, vet_id):
    """Create an account; the password is prompted twice, or read from standard input."""
    password = read_password()
    with account_change():
        user = create_user(username, password, role, vet_id=vet_id)
    click.echo(_("Created %(username)s (%(role)s).", username=user.username, role=user.role.value))


@users.command("set-password")
@click.argument("username")
def set_password_command(username):
    """Give an account a new password (prompted twice, or from standard input)."""
    password = read_password()
    with changing(username) as user:
        set_password(user, password)
    click.echo(_("Password of %(username)s changed; their other sessions have ended.",
                 username=user.username))


@users.command("deactivate")
@click.argument("username")
def deactivate(username):
    """Stop an account from signing in (its history stays)."""
    with changing(username) as user:
        deactivate_account(user)
    click.echo(_("%(username)s can no longer sign in.", username=user.username))


@users.command("sign-out")
@click.argument("username")
def sign_out(username):
    """End every signed-in session of an account, on every computer."""
    with changing(username) as user:
        ended = end_sessions(user.id)
    click.echo(ngettext("%(username)s is signed out everywhere (%(num)d session ended).",
                         "%(username)s is signed out everywhere (%(num)d sessions ended).",
                         ended, username=user.username))


@users.command("list")
def list_users():
    """Every account with its role and state."""
    rows = db.session.scalars(sa.select(User).order_by(User.username)).all()
    click.echo(f"{_('username'):<24} {_('role'):<10} {_('state'):<9} {_('vet')}")
    for user in rows:
        state = _("active") if user.active else _("inactive")
        click.echo(f"{user.username:<24} {user.role.value:<10} {state:<9} {user.vet_id or ''}")
