"""Fixtures for the JSON API: clients that authenticate with HTTP Basic as a role's account."""

import base64

import pytest

from tests.staff import PASSWORD, ensure_staff

PREFIX = "/api"


def basic(username, password=PASSWORD):
    """An Authorization header for HTTP Basic."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


class ApiClient:
    """A test client whose requests go to the API with a staff member's credentials."""

    def __init__(self, client, headers):
        self.client = client
        self.headers = headers

    def request(self, method, path, **kwargs):
        """Send a request to PREFIX + path."""
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.client.open(PREFIX + path, method=method, headers=headers, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self.request("PUT", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)


@pytest.fixture
def api(app, connection):
    """``api()`` speaks as the admin, ``api("reception")`` as that role, ``api(None)`` anonymously."""
    ensure_staff(app)

    def make(role="admin"):
        return ApiClient(app.test_client(), basic(role) if role else {})

    return make


def assert_problem(response, status, detail_part=None):
    """The response is problem details with the contract's fields, and nothing from inside."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    for field in ("type", "title", "status", "detail", "timestamp", "schemaValidationErrors"):
        assert field in body, field
    assert body["status"] == status
    assert body["type"].startswith("http")
    text = response.get_data(as_text=True)
    for leak in ("Traceback", "sqlalchemy", "SELECT", "psycopg", "sqlite3", "Error(", "File \""):
        assert leak not in text
    if detail_part is not None:
        assert detail_part in body["detail"], body["detail"]
    return body
