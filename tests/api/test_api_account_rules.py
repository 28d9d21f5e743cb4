"""An account refusal in the API names its field, as the staff page puts it on the field."""

from tests.api.conftest import assert_problem


def test_the_api_names_the_field_of_an_account_refusal(api):
    refused = api().post("/users", json={"username": "desk9", "password": "short",
                                         "enabled": True, "roles": [{"name": "reception"}]})
    assert_problem(refused, 400, "password: A password needs at least 10 characters")
