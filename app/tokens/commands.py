"""`flask users token ...`: personal API tokens from the command line."""

import click

from app.auth.commands import account_change, user_or_fail
from app.cli import CommandGroup, text_table
from app.extensions import db
from app.i18n import _, _l
from app.models import ApiToken
from app.models.columns import utcnow
from app.tokens.services import (
    DEFAULT_DAYS,
    MAX_DAYS,
    TokenError,
    all_tokens,
    create_token,
    revoke_token,
    tokens_of,
)

token_cli = CommandGroup("token", help="Create, list and revoke personal API tokens.")

# A token's state (ApiToken.state) as the list writes it.
STATES = {"active": _l("active"), "expired": _l("expired"), "revoked": _l("revoked")}


def when(value):
    """A timestamp for a table cell (UTC, to the minute), or a dash."""
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


@token_cli.command("create")
@click.argument("username")
@click.option("--name", required=True, help="What the token is for, e.g. 'reports script'.")
@click.option("--days", type=click.IntRange(1, MAX_DAYS), default=DEFAULT_DAYS, show_default=True,
              help=f"How long it lasts (at most {MAX_DAYS}).")
def create(username, name, days):
    """Create a token for an account and print its secret (shown this once only)."""
    with account_change():
        user = user_or_fail(username)
        try:
            token, secret = create_token(user, name, days)
        except TokenError as error:
            raise click.ClickException(str(error)) from None
    click.echo(_("Token %(id)d (%(name)s) for %(username)s, expires %(expires)s UTC. Its secret, "
                 "shown this once only:", id=token.id, name=token.name, username=user.username,
                 expires=when(token.expires_at)), err=True)
    click.echo(secret)


@token_cli.command("list")
@click.argument("username", required=False)
def list_tokens(username):
    """Every token (or one account's) with its state and last use; never the secrets."""
    now = utcnow()
    if username:
        user = user_or_fail(username)
        rows = [(token, user.username) for token in tokens_of(user.id)]
    else:
        rows = all_tokens()
    click.echo(text_table(
        [_("id"), _("account"), _("name"), _("prefix"), _("state"), _("expires"), _("last used")],
        [[t.id, who, t.name, t.prefix, STATES[t.state(now)], when(t.expires_at),
          when(t.last_used_at)]
         for t, who in rows],
    ))


@token_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke(token_id):
    """Revoke a token: it is refused from the next request on."""
    with account_change():
        token = db.session.get(ApiToken, token_id)
        if token is None:
            raise click.ClickException(_("No API token with id %(id)d.", id=token_id))
        revoke_token(token)
    click.echo(_("Token %(id)d (%(name)s) is revoked.", id=token.id, name=token.name))

