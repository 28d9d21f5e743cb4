"""API authentication: HTTP Basic with staff accounts, checked on every request, and the
same roles as the pages (app.auth.permissions)."""

import functools

from flask import current_app, g, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import BadRequest, Forbidden, Unauthorized, UnsupportedMediaType

from app.api.blueprint import bp
from app.auth.permissions import can
from app.auth.services import SignInRefused, authenticate
from app.database import write_transactions
from app.extensions import db

REALM = "PetClinic API"


def challenge(description):
    """A 401 that asks for Basic credentials."""
    return Unauthorized(
        description, www_authenticate=WWWAuthenticate("basic", {"realm": REALM, "charset": "UTF-8"})
    )


@bp.before_request
def authenticate_request():
    """Identify the staff member from the Authorization header, or answer 401.

    authenticate() counts failures in the database and locks the account after too many,
    exactly as the sign-in page does. Its bookkeeping is committed at once, in a write
    transaction of its own, so the request's own work starts afresh.
    """
    if request.method == "OPTIONS" or not current_app.config["API_AUTH_ENABLED"]:
        return  # CORS preflights carry no credentials; auth may be off (trusted networks only)
    credentials = request.authorization
    if credentials is None or credentials.type != "basic":
        raise challenge(
            "Send the username and password of a staff account with HTTP Basic authentication."
        )
    with write_transactions():
        try:
            user = authenticate(credentials.username or "", credentials.password or "")
        except SignInRefused as refusal:
            db.session.commit()  # keep the failure count even though the request is refused
            raise challenge(str(refusal)) from None
        db.session.commit()
    # Flask-Login keeps the request's user in g._login_user. Setting it makes current_user,
    # and so the roles and the audit trail, this staff member for this request only:
    # login_user() would start a cookie session, and the API has none (so no CSRF either).
    g._login_user = user


@bp.before_request
def require_json_body():
    """Bodies are JSON: anything else is 415 (and a cross-site form cannot send JSON)."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    if not request.is_json:
        raise UnsupportedMediaType("Send the body as JSON, with Content-Type: application/json.")
    if not request.get_data(cache=True):
        raise BadRequest("The body is empty: send a JSON object.")


def requires(permission):
    """Decorate an API view: 403 unless the staff member's role grants ``permission``."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if current_app.config["API_AUTH_ENABLED"] and not can(permission):
                raise Forbidden(f"Your role does not allow this (it needs {permission!r}).")
            return view(*args, **kwargs)

        wrapped.required_permission = permission  # for the test that every route has one
        return bp.errors(401, 403)(wrapped)

    return decorator
