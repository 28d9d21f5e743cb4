"""API authentication: personal API tokens (Bearer) or HTTP Basic with staff accounts,
checked on every request, and the same roles as the pages (app.auth.permissions)."""

import functools

from flask import current_app, g, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import BadRequest, Forbidden, Unauthorized, UnsupportedMediaType

from app.api.blueprint import bp
from app.auth.permissions import can
from app.auth.services import SignInRefused, authenticate
from app.database import write_transactions
from app.extensions import db
from app.models import User
from app.ops.health import SESSIONLESS_PATHS
from app.problems import is_api_request
from app.tokens.services import TokenRefused, bearer_user
from app.tokens.usage import note_use

REALM = "PetClinic API"


def challenge(description):
    """A 401 that asks for Basic credentials (first: what the Spring clients expect) or a token."""
    return Unauthorized(
        description,
        www_authenticate=[
            WWWAuthenticate("basic", {"realm": REALM, "charset": "UTF-8"}),
            WWWAuthenticate("bearer", {"realm": REALM}),
        ],
    )


@bp.before_request
def authenticate_request():
    """Identify the staff member from the Authorization header, or answer 401.

    A Bearer token costs one indexed read (app.tokens.services). Basic credentials go
    through authenticate(), which counts failures in the database and locks the account
    after too many, exactly as the sign-in page does, in write transactions of its own; a
    pair this worker verified lately skips that (app.api.basic). Either way the request's
    own transaction starts afresh and, for a GET, writes nothing: the time of last use is
    noted at most once a minute, in a transaction of its own (app.tokens.usage).
    """
    if request.method == "OPTIONS" or not current_app.config["API_AUTH_ENABLED"]:
        return  # CORS preflights carry no credentials; auth may be off (trusted networks only)
    credentials = request.authorization
    if credentials is not None and credentials.type == "bearer":
        try:
            user = bearer_user(credentials.token)
        except TokenRefused as refusal:
            raise challenge(str(refusal)) from None
    elif credentials is not None and credentials.type == "basic":
        user = basic_user(credentials.username or "", credentials.password or "")
    else:
        raise challenge(
            "Send an API token (Authorization: Bearer ...) or the username and password of a "
            "staff account with HTTP Basic authentication."
        )
    # Flask-Login's request loader (api_user) hands this staff member to current_user, and
    # so to the roles and the audit trail, for this request only: the API has no cookie
    # session (CookielessApi), so a browser's session cookie never speaks for it (no CSRF).
    g.api_user = user


def basic_user(username, password):
    """The account of Basic credentials: remembered by this worker, or checked in full."""
    verified = current_app.extensions["api_verified_passwords"]
    user = verified.user(username, password)
    if user is not None:
        note_use(User.last_login_at, user.id, user.last_login_at)
        return user
    with write_transactions():
        try:
            user = authenticate(username, password)
        except SignInRefused as refusal:
            db.session.commit()  # keep the failure count even though the request is refused
            raise challenge(str(refusal)) from None
        db.session.commit()
    verified.remember(username, password, user)
    return user


def api_user(request):
    """Flask-Login's request loader: the staff member this API request authenticated as."""
    return g.get("api_user")


def is_sessionless():
    """Whether the request is one no cookie session is for: the API's, or a health check."""
    return is_api_request() or request.path in SESSIONLESS_PATHS


class CookielessApi(SecureCookieSessionInterface):
    """Sessions for the pages only: under API_PREFIX and on the health checks no cookie is
    read or set (the API's requests bring credentials instead; a health check needs none)."""

    def open_session(self, app, request):
        """An empty session where no cookie is read, else the signed cookie's."""
        if is_sessionless():
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        """Never a Set-Cookie from the API or a health check."""
        if not is_sessionless():
            super().save_session(app, session, response)


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
