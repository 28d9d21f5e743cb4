"""What every error answer shares: the request's id, and problem details (RFC 9457) as JSON.

The pages' handlers (app.errors) and the API's (app.api.errors) both build on this module,
so neither needs the other.
"""

import secrets
from datetime import UTC, datetime
from urllib.parse import quote

from flask import current_app, g, jsonify, request
from werkzeug.urls import iri_to_uri

PROBLEM_JSON = "application/problem+json"


def request_id():
    """The id of the current request: the proxy's X-Request-ID, or one made up here."""
    if "request_id" not in g:
        g.request_id = request_id_from(request.headers.get("X-Request-ID", ""))
    return g.request_id


def request_id_from(incoming):
    """The id for a request that came with this X-Request-ID ("" for none)."""
    return incoming[:64] if incoming.isprintable() and incoming else secrets.token_hex(16)


def wants_json():
    """Whether the client asked for JSON rather than a page."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return request.is_json or best == "application/json"


def is_api_request():
    """Whether the request is addressed to the API (its URL is under API_PREFIX)."""
    prefix = current_app.config.get("API_PREFIX")
    return bool(prefix) and (request.path == prefix or request.path.startswith(prefix + "/"))


def problem(status, title, detail, validation_errors=(), headers=None):
    """A problem+json response with every field the API contract's ProblemDetail requires."""
    body = {
        # The contract's `type` is the URL that produced the error (no query: it may hold names),
        # its path quoted again: request.path is decoded, and a "%" in it is no URI.
        "type": iri_to_uri(request.root_url) + quote(request.path.lstrip("/")),
        "title": title,
        "status": status,
        "detail": detail,
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "schemaValidationErrors": list(validation_errors),
    }
    if status >= 500:
        body["requestId"] = request_id()
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    if isinstance(headers, dict):
        for name, value in headers.items():
            response.headers[name] = value
    else:  # (name, value) pairs: a header may repeat (WWW-Authenticate: Basic, then Bearer)
        for name, value in headers or ():
            response.headers.add(name, value)
    return response
