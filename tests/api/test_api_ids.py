"""The largest id (app.routing.MAX_ID, PostgreSQL's INTEGER): one past it is no id at all."""

import pytest

from app.routing import MAX_ID
from tests.api.conftest import assert_problem

TOO_LARGE = MAX_ID + 1


@pytest.mark.parametrize(
    "path",
    [
        f"/owners/{TOO_LARGE}",
        f"/owners/1/pets/{TOO_LARGE}",
        f"/pets/{TOO_LARGE}",
        f"/visits/{TOO_LARGE}",
        f"/vets/{TOO_LARGE}",
        f"/pettypes/{TOO_LARGE}",
        f"/specialties/{TOO_LARGE}",
        f"/appointments/{TOO_LARGE}",
    ],
)
def test_an_id_over_the_largest_in_a_url_is_a_404(api, path):
    assert_problem(api().get(path), 404)
    assert_problem(api().delete(path), 404)


@pytest.mark.parametrize("path", [f"/owners/{MAX_ID}", f"/vets/{MAX_ID}", f"/pets/{MAX_ID}"])
def test_the_largest_id_in_a_url_is_looked_up_and_not_found(api, path):
    assert_problem(api().get(path), 404, f"with id {MAX_ID}")


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/visits", {"petId": TOO_LARGE, "description": "Checked over."}, "petId"),
        ("/appointments", {"petId": TOO_LARGE, "vetId": 1, "startsAt": "2030-01-07T10:00:00",
                           "reason": "Check-up"}, "petId"),
        ("/owners/1/pets", {"name": "Max", "birthDate": "2021-03-04",
                            "type": {"id": TOO_LARGE, "name": "dog"}}, "type"),
    ],
)
def test_an_id_over_the_largest_in_a_json_body_is_a_400(api, path, body, field):
    response = api().post(path, json=body)
    assert_problem(response, 400, field)


def test_a_vet_id_over_the_largest_in_the_query_is_a_400(api):
    assert_problem(api().get(f"/appointments?vetId={TOO_LARGE}"), 400, "vetId")
