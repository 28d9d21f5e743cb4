"""The contract test: schemathesis generates requests from the API's own OpenAPI document and
runs them in-process against the app (its WSGI support), on the test database.

Bounded: a few examples per operation (a few hundred requests in all), as the admin, so
every operation is reached. It must find no 5xx and no response that breaks the document.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests import factories
from tests.api.conftest import PREFIX, basic

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 8
# Valid requests, and requests that break the document (which must be refused with a 4xx).
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)



@pytest.fixture
def api_schema(app, api, dbs):
    """The API's document, loaded from the running app, with a little data to find."""
    with dbs() as session:
        owner = factories.owner(session)
        pet = factories.pet(session, owner)
        factories.visit(session, pet)
        factories.vet(session, specialties=["radiology"])
        session.commit()
    return schemathesis.openapi.from_wsgi(f"{PREFIX}/openapi.json", app)


def exercise(operation):
    """Send EXAMPLES_PER_OPERATION generated requests to one operation and check each answer."""

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=st.one_of(*(operation.as_strategy(generation_mode=mode) for mode in MODES)))
    def run(case):
        case.call_and_validate(headers=basic("admin"), checks=CHECKS)

    run()


def test_api_answers_within_its_document(api_schema):
    """No 5xx, and every status, content type, header and body is one the document allows.

    (schemathesis' pytest plugin is not used: its lazy loader does not run on pytest 9.)
    """
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 40
    for operation in operations:
        exercise(operation)
