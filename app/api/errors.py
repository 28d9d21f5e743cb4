"""The API's errors: RFC 9457 problem details in the shape of the contract's ProblemDetail."""

from datetime import UTC, datetime

from flask import current_app, jsonify, request
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException
from werkzeug.urls import iri_to_uri

from app.appointments.services import BookingRefused, IllegalTransition, SlotTaken
from app.auth.services import AccountError
from app.errors import request_id
from app.extensions import db
from app.pets.services import DuplicatePetName
from app.reference.services import DuplicateName, NameInUse
from app.vets.services import VetInUse
from app.visits.services import VisitRefused

# Where webargs found the bad value → how the message names it.
LOCATIONS = {"json": "Path", "query": "Query parameter", "path": "Path parameter"}


def is_api_request():
    """Whether the request is addressed to the API (its URL is under API_PREFIX)."""
    prefix = current_app.config.get("API_PREFIX")
    return bool(prefix) and (request.path == prefix or request.path.startswith(prefix + "/"))


def problem(status, title, detail, validation_errors=(), headers=None):
    """A problem+json response with every field the contract's ProblemDetail requires."""
    body = {
        # The contract's `type` is the URL that produced the error (no query: it may hold names).
        "type": iri_to_uri(request.base_url),
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
    response.mimetype = "application/problem+json"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def flatten(messages, pointer=""):
    """webargs/marshmallow messages ({field: [text] or nested}) as (JSON pointer, text) pairs."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            yield from flatten(value, f"{pointer}/{key}" if key != "_schema" else pointer)
    elif isinstance(messages, list | tuple):
        for item in messages:
            yield from flatten(item, pointer)
    else:
        yield pointer or "/", str(messages)


def validation_problem(status, messages):
    """400: each invalid field as a schemaValidationErrors entry, summed up in `detail`."""
    errors = []
    for location, fields in messages.items():
        for pointer, text in flatten(fields):
            name = pointer if location == "json" else pointer.lstrip("/")
            message = f"[{LOCATIONS.get(location, location)} '{name}'] {text}"
            errors.append({"message": message, "in": location, "pointer": pointer})
    detail = "; ".join(e["message"] for e in errors) or "The request is not valid."
    return problem(status, "Validation failed", detail, errors)


def http_error(error):
    """Any HTTP error raised in the API: validation details when webargs attached them."""
    data = getattr(error, "data", None) or {}
    if "messages" in data:
        return validation_problem(error.code, data["messages"])
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    return problem(error.code, error.name, data.get("message") or error.description, (), headers)


def conflict(error):
    """409: the request is valid but clashes with what is stored (a name taken, a slot booked)."""
    return problem(409, "Conflict", str(error))


# The booking service names form fields; the API's clients know the JSON names.
JSON_NAMES = {"pet_id": "petId", "vet_id": "vetId", "start_time": "startsAt",
              "duration_minutes": "durationMinutes"}


def refused(error):
    """400: the request breaks a rule of the clinic that the schema cannot express."""
    field = JSON_NAMES.get(getattr(error, "field", None))
    return problem(400, "Bad Request", f"{field}: {error}" if field else str(error))


def stale(error):
    """409: the database refused a write that raced another (a row removed meanwhile)."""
    db.session.rollback()
    return problem(409, "Conflict", "Something this change relies on was changed meanwhile. "
                                    "Reload and try again.")


def register(bp):
    """Install the API's error handlers on its blueprint (the rest of the site keeps its own)."""
    bp.register_error_handler(HTTPException, http_error)
    for exception in (DuplicatePetName, DuplicateName, NameInUse, VetInUse, SlotTaken,
                      IllegalTransition):
        bp.register_error_handler(exception, conflict)
    for exception in (BookingRefused, AccountError, VisitRefused):
        bp.register_error_handler(exception, refused)
    bp.register_error_handler(IntegrityError, stale)
