"""Signed, expiring unsubscribe tokens: the link in every message, checked by a public page."""

from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.i18n import _

SALT = "petclinic.unsubscribe"


class TokenRefused(ValueError):
    """The token was tampered with, is not ours, or has expired (the message says which)."""


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_token(owner_id):
    """A token naming the owner, signed with the app's secret key and timestamped."""
    return _serializer().dumps({"owner": owner_id})


def owner_id_from(token):
    """The owner id a valid token names; TokenRefused when it is not valid or too old."""
    max_age = current_app.config["UNSUBSCRIBE_TOKEN_DAYS"] * 24 * 3600
    try:
        payload = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenRefused(
            _("This unsubscribe link has expired. Use the link in a more recent message, "
              "or call the clinic.")
        ) from None
    except BadSignature:
        raise TokenRefused(_("This unsubscribe link is not valid. Call the clinic.")) from None
    owner_id = payload.get("owner") if isinstance(payload, dict) else None
    if not isinstance(owner_id, int) or isinstance(owner_id, bool):
        raise TokenRefused(_("This unsubscribe link is not valid. Call the clinic."))
    return owner_id


def site_url(endpoint, **values):
    """An absolute address of ``endpoint`` for a message: SITE_URL's, else the request's.

    Messages queued by a command (the reminder run) have no request to take a host from,
    so SITE_URL must be set where they are sent to real owners; without it (development,
    tests) the address is relative to http://localhost.
    """
    from flask import has_request_context, url_for

    if has_request_context() and not current_app.config.get("SITE_URL"):
        return url_for(endpoint, _external=True, **values)
    base = urlsplit((current_app.config.get("SITE_URL") or "http://localhost").rstrip("/"))
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def unsubscribe_url(owner_id):
    """The unsubscribe page's address for the owner, with a fresh token (app/messages/public.py)."""
    return site_url("unsubscribe.confirm", token=unsubscribe_token(owner_id))
