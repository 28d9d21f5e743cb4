"""An account refusal in the API names its field, as the staff page puts it on the field."""

from tests.api.conftest import assert_problem


def test_the_api_names_the_field_of_an_account_refusal(api):
    refused = api().post("/users", json={"username": "desk9", "password": "short",
                                         "enabled": True, "roles": [{"name": "reception"}]})
    assert_problem(refused, 400, "password: A password needs at least 10 characters")


def test_a_problem_type_is_a_uri_even_for_a_path_with_a_percent_sign(api):
    body = assert_problem(api().get("/users/50%25off"), 404)
    assert body["type"].endswith("/api/users/50%25off")
