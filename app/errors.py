"""Error pages: every failure is a page in the site's layout or a JSON problem, never a trace."""

import logging

from flask import current_app, make_response, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from werkzeug.exceptions import (
    HTTPException,
    InternalServerError,
    RequestEntityTooLarge,
    ServiceUnavailable,
)

from app.constraints import violation
from app.extensions import db
from app.i18n import _, _l, number
from app.problems import is_api_request, problem, request_id, wants_json

logger = logging.getLogger("petclinic.errors")

TITLES = {400: _l("Bad Request"), 409: _l("Conflict")}

# Werkzeug's names of the statuses and its explanations for an abort() that gives none, in
# the page's language (an explanation the app gives is its own, translated where it is made).
STATUS_TEXTS = {
    400: (_l("Bad Request"),
          _l("The browser (or proxy) sent a request that this server could not understand.")),
    401: (_l("Unauthorized"), _l("Sign in first.")),
    403: (_l("Forbidden"), _l("You may not open this page.")),
    404: (_l("Not Found"),
          _l("The requested URL was not found on the server. If you entered the URL manually "
             "please check your spelling and try again.")),
    405: (_l("Method Not Allowed"), _l("The method is not allowed for the requested URL.")),
    409: (_l("Conflict"), _l("Someone changed this meanwhile. Reload the page and try again.")),
    415: (_l("Unsupported Media Type"),
          _l("The server does not support the media type transmitted in the request.")),
    429: (_l("Too Many Requests"), _l("Too many requests at once. Try again in a moment.")),
    503: (_l("Service Unavailable"),
          _l("The site cannot answer just now. Please try again in a moment.")),
}

CSRF_MESSAGE = _l(
    "The form could not be accepted because its security token was missing or had expired. "
    "Go back, reload the page and submit it again."
)


def render_error(status, title, detail):
    """Render an error as a page or as an RFC 9457 problem document."""
    title, detail = str(title), str(detail)  # a lazy (_l) text written in the request's language
    if is_api_request() or wants_json():
        return problem(status, title, detail)
    context = {"status": status, "title": title, "detail": detail, "request_id": request_id()}
    try:
        page = render_template("errors/error.html", **context)
    except Exception as failure:
        # The layout can need the database (the signed-in user in the navigation bar), which
        # may be the very thing that failed: fall back to a page that needs Jinja alone.
        logger.warning("plain error page [request %s]: %s", request_id(), failure)
        page = current_app.jinja_env.get_template("errors/plain.html").render(**context)
    return make_response(page, status)


def register(app):
    """Install the handlers on the app."""

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, _("Form expired"), CSRF_MESSAGE)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error):
        # Werkzeug refuses the body unread (MAX_CONTENT_LENGTH): say what the limit is.
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        detail = _("The request is larger than this site accepts (%(limit)s bytes at most). "
                   "Nothing was saved.", limit=number(limit))
        return render_error(413, _("Request too large"), detail)

    @app.errorhandler(HTTPException)
    def http_error(error):
        name, explanation = STATUS_TEXTS.get(error.code, (error.name, None))
        detail = error.description
        if explanation is not None and detail == type(error).description:
            detail = explanation  # werkzeug's own, English: the app gave none
        response = render_error(error.code, name, detail)
        for name, value in error.get_headers():
            if name.lower() != "content-type":  # keep Allow, WWW-Authenticate, Retry-After
                response.headers[name] = value
        return response

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        # Connection lost or refused: the client may retry; the pool recovers by itself.
        logger.error("database unavailable [request %s]: %s", request_id(), error.orig)
        db.session.rollback()
        return render_error(
            ServiceUnavailable.code,
            _("Service unavailable"),
            _("The database cannot be reached just now. Please try again in a moment."),
        )

    @app.errorhandler(IntegrityError)
    def constraint_refused(error):
        # A refusal that app.constraints names is a race the user can resolve by reloading;
        # any other is a bug (a CHECK or NOT NULL the code should have kept), so a 500.
        known = violation(error)
        if known is None:
            return unexpected_error(error)
        db.session.rollback()
        logger.info("constraint refused [request %s]: %s", request_id(), error.orig)
        detail = known.message
        if known.field and is_api_request():
            detail = f"{known.field}: {detail}"  # as the API names a field it refuses
        return render_error(known.status, TITLES[known.status], detail)

    @app.errorhandler(Exception)
    def unexpected_error(error):
        logger.exception("unhandled error [request %s]", request_id())
        if isinstance(error, DBAPIError):
            db.session.rollback()
        return render_error(
            InternalServerError.code,
            _("Something went wrong"),
            _("The request could not be completed. Nothing was saved. "
              "If it happens again, give support the reference below."),
        )
