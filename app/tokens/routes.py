"""API token pages: a staff member's own tokens, and an administrator's view of an account's."""

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_login import current_user

from app.auth.permissions import permission_required
from app.extensions import db
from app.i18n import _
from app.models import ApiToken, User
from app.models.columns import utcnow
from app.tokens.forms import TokenForm
from app.tokens.services import TokenError, create_token, revoke_token, tokens_of

bp = Blueprint("tokens", __name__)


def tokens_page(account, revoke_endpoint, **url_args):
    """List the account's tokens and create one; a new secret is shown in this answer only.

    The secret goes into the page, never into a flash message (the session cookie would
    carry it) or a redirect; the page is not to be cached.
    """
    form = TokenForm()
    secret = None
    if form.validate_on_submit():
        try:
            _token, secret = create_token(account, form.name.data, form.days.data)
        except TokenError as error:
            form[error.field].errors.append(str(error))
        else:
            db.session.commit()
            form = TokenForm(formdata=None)
    html = render_template("tokens/list.html", account=account, tokens=tokens_of(account.id),
                           form=form, secret=secret, now=utcnow(), revoke_endpoint=revoke_endpoint,
                           url_args=url_args)
    response = make_response(html)
    response.headers["Cache-Control"] = "no-store"
    return response


def revoke(account, token_id, back):
    """Revoke one of the account's tokens (404 for anyone else's), then back to the list."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != account.id:
        abort(404, description=_("%(username)s has no API token with id %(id)d.",
                                  username=account.username, id=token_id))
    revoke_token(token)
    db.session.commit()
    flash(_("API token %(name)s (%(prefix)s…) is revoked.", name=repr(token.name),
            prefix=token.prefix), "success")
    return redirect(back)


@bp.route("/account/tokens", methods=["GET", "POST"])
def mine():
    """The signed-in staff member's own API tokens."""
    return tokens_page(current_user, "tokens.revoke_mine")


@bp.post("/account/tokens/<int:token_id>/revoke")
def revoke_mine(token_id):
    """Revoke one of one's own tokens."""
    return revoke(current_user, token_id, url_for("tokens.mine"))


@bp.route("/users/<int:user_id>/tokens", methods=["GET", "POST"])
@permission_required("users.manage")
def account(user_id):
    """An administrator's view of an account's API tokens (create one for it, revoke)."""
    return tokens_page(db.get_or_404(User, user_id), "tokens.revoke_for", user_id=user_id)


@bp.post("/users/<int:user_id>/tokens/<int:token_id>/revoke")
@permission_required("users.manage")
def revoke_for(user_id, token_id):
    """Revoke a token of an account."""
    return revoke(db.get_or_404(User, user_id), token_id, url_for("tokens.account", user_id=user_id))
