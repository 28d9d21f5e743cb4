"""The API's errors: RFC 9457 problem details in the shape of the contract's ProblemDetail.

A constraint's refusal (IntegrityError) is answered by the site's handler (app.errors),
from the one table of what each constraint means (app.constraints).
"""

from werkzeug.exceptions import HTTPException

from app.appointments.refusals import (
    BookingRefused,
    IllegalTransition,
    SlotTaken,
)
from app.auth.services import AccountError
from app.pets.alerts import AlertRefused
from app.pets.services import DuplicateMicrochip, DuplicatePetName, ProfileRefused
from app.problems import problem
from app.reference.services import DuplicateName, NameInUse
from app.vets.services import VetInUse
from app.visits.services import AddendumRefused, CorrectionRefused, VisitRefused

# Where webargs found the bad value → how the message names it.
LOCATIONS = {"json": "Path", "query": "Query parameter", "path": "Path parameter"}


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
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    return problem(error.code, error.name, data.get("message") or error.description, (), headers)


def conflict(error):
    """409: the request is valid but clashes with what is stored (a name taken, a slot booked)."""
    return problem(409, "Conflict", str(error))


# The booking service names form fields; the API's clients know the JSON names.
JSON_NAMES = {"pet_id": "petId", "vet_id": "vetId", "start_time": "startsAt",
              "duration_minutes": "durationMinutes", "type_id": "typeId",
              "deceased_on": "deceasedOn"}


def refused(error):
    """400: the request breaks a rule of the clinic that the schema cannot express."""
    field = getattr(error, "field", None)
    field = JSON_NAMES.get(field, field)
    return problem(400, "Bad Request", f"{field}: {error}" if field else str(error))


def correction_refused(error):
    """403 (not the author) or 409 (the visit is locked): the correction window's refusal."""
    return problem(error.status, "Forbidden" if error.status == 403 else "Conflict", str(error))


def addendum_refused(error):
    """403: no signed-in author to sign the addendum (API_AUTH_ENABLED off)."""
    return problem(403, "Forbidden", str(error))


def register(bp):
    """Install the API's error handlers on its blueprint (the rest of the site keeps its own)."""
    bp.register_error_handler(HTTPException, http_error)
    for exception in (DuplicatePetName, DuplicateMicrochip, DuplicateName, NameInUse, VetInUse,
                      SlotTaken, IllegalTransition, AlertRefused):
        bp.register_error_handler(exception, conflict)
    for exception in (BookingRefused, AccountError, VisitRefused, ProfileRefused):
        bp.register_error_handler(exception, refused)
    bp.register_error_handler(CorrectionRefused, correction_refused)
    bp.register_error_handler(AddendumRefused, addendum_refused)
