"""Production safety: a real secret key, the reverse proxy's headers, browser security headers."""

from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import DEFAULT_SECRET_KEY, ConfigurationError

# The pages load only this site's own CSS, JS and images, with no inline script or style;
# Bootstrap's CSS draws its small icons (toggler, select arrows) from data: URIs.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # CSP frame-ancestors for current browsers, X-Frame-Options for older ones.
    "X-Frame-Options": "DENY",
    # URLs carry owner ids and searched names: send them to no other site.
    "Referrer-Policy": "same-origin",
}

MISSING_SECRET_KEY = (
    "SECRET_KEY is not set, or is the development default. PetClinic will not run in "
    "production without a secret key of its own: it signs sessions and form tokens. Set "
    "SECRET_KEY to a long random value, for example the output of "
    "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
)


def is_missing_secret_key(key):
    """Whether a secret key is absent, blank, or the development one that everybody knows."""
    return not key or not str(key).strip() or key == DEFAULT_SECRET_KEY


def require_secret_key(app):
    """Refuse to run outside debug and testing without a real secret key."""
    if not (app.debug or app.testing) and is_missing_secret_key(app.config.get("SECRET_KEY")):
        raise ConfigurationError(MISSING_SECRET_KEY)


def trust_proxy_headers(app):
    """Honour X-Forwarded-* headers from as many proxies as configured (none by default)."""
    hops = {header: count for header, count in app.config.get("PROXY_FIX", {}).items() if count}
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, **hops)


def add_security_headers(response):
    """Add the security headers to a response, keeping any that a view chose itself.

    One pass over the response's headers (setdefault would scan them twice per header).
    """
    present = {name.lower() for name, _ in response.headers}
    for name, value in SECURITY_HEADERS.items():
        if name.lower() not in present:
            response.headers.add(name, value)
    return response
