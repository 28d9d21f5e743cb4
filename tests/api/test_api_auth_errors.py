"""Authentication, roles, CORS, CSRF and problem details on the API's error paths."""

import pytest

from app import create_app
from app.auth.services import find_user
from tests.api.conftest import ApiClient, assert_problem, basic
from tests.staff import PASSWORD


def test_no_credentials_is_401_with_a_basic_challenge(api):
    response = api(None).get("/owners")
    assert_problem(response, 401, "HTTP Basic")
    assert response.headers["WWW-Authenticate"].startswith('Basic realm="PetClinic API"')


@pytest.mark.parametrize(
    "header", ["Basic bm9wZQ==", "Basic !!!", "Bearer abc", "Basic " + "YWRtaW46d3Jvbmc="]
)
def test_bad_credentials_are_401_never_a_redirect(api, header):
    response = api(None).get("/owners", headers={"Authorization": header})
    assert_problem(response, 401)
    assert "WWW-Authenticate" in response.headers


def test_wrong_passwords_lock_the_account_as_at_the_sign_in_page(api, app):
    client = api(None)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.get("/owners", headers=basic("reception", "wrong password"))
    response = client.get("/owners", headers=basic("reception"))
    assert_problem(response, 401, "locked")
    unknown = client.get("/owners", headers=basic("nobody-here"))
    assert response.get_json()["detail"] == unknown.get_json()["detail"]


def test_a_deactivated_account_is_refused_as_a_wrong_password_is(api, app, dbs):
    with dbs() as session:
        find_user("vet").active = False
        session.commit()
    right = api("vet").get("/owners")
    wrong = api(None).get("/owners", headers=basic("vet", "wrong password"))
    assert_problem(right, 401)
    assert right.get_json()["detail"] == wrong.get_json()["detail"]
    assert "deactivated" not in right.get_data(as_text=True)


def test_the_api_sets_no_cookie(api):
    response = api().get("/owners")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_a_signed_in_browser_session_is_not_api_credentials(client):
    response = client.get("/api/owners")
    assert_problem(response, 401)


def test_pages_still_redirect_to_sign_in(anonymous):
    response = anonymous.get("/owners/find")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


ROLE_CHECKS = [
    ("reception", "get", "/owners", 200),
    ("reception", "post", "/owners", 400),
    ("reception", "delete", "/owners/999999", 403),
    ("reception", "delete", "/pets/999999", 403),
    ("reception", "post", "/visits", 403),
    ("reception", "post", "/pettypes", 403),
    ("reception", "post", "/vets", 403),
    ("reception", "post", "/users", 403),
    ("reception", "post", "/appointments", 400),
    ("reception", "post", "/appointments/999999/complete", 403),
    ("vet", "post", "/visits", 400),
    ("vet", "post", "/appointments/999999/complete", 400),
    ("vet", "delete", "/visits/999999", 403),
    ("vet", "delete", "/owners/999999", 403),
    ("vet", "put", "/specialties/999999", 403),
    ("admin", "delete", "/owners/999999", 404),
    ("admin", "delete", "/visits/999999", 404),
    ("admin", "put", "/specialties/999999", 400),
    ("admin", "post", "/users", 400),
]


@pytest.mark.parametrize(("role", "method", "path", "status"), ROLE_CHECKS)
def test_roles_are_those_of_the_pages(api, role, method, path, status):
    kwargs = {"json": {}} if method in ("post", "put") else {}
    response = getattr(api(role), method)(path, **kwargs)
    assert response.status_code == status, response.get_json()
    if status == 403:
        assert_problem(response, 403, "Your role does not allow this")


def test_a_non_json_body_is_415(api):
    response = api().post("/owners", data="firstName=George", content_type="application/x-www-form-urlencoded")
    assert_problem(response, 415, "Content-Type: application/json")


@pytest.mark.parametrize(
    ("body", "detail"),
    [("{bad", "not valid JSON: Expecting property name"), ("[1, 2]", "Invalid input type"),
     ("", "The body is empty")],
)
def test_malformed_json_is_a_precise_400(api, body, detail):
    response = api().post("/owners", data=body, content_type="application/json")
    assert_problem(response, 400, detail)


def test_unknown_urls_and_methods_are_problems(api):
    assert_problem(api().get("/no-such-thing"), 404)
    assert_problem(api().request("PATCH", "/owners", json={}), 405)
    assert_problem(api(None).get("/owners/abc"), 404)


def test_a_server_error_is_a_problem_without_internals(app, api, monkeypatch):
    import app.api.owners as owners

    def broken(*args, **kwargs):
        raise RuntimeError("SELECT secret FROM owners -- internal detail")

    monkeypatch.setattr(owners, "search_owners", broken)
    response = api().get("/owners")
    body = assert_problem(response, 500)
    assert "secret" not in response.get_data(as_text=True)
    assert body["requestId"]


@pytest.fixture
def other_app(app, connection):
    """``other_app(**config)``: a second app on the test database with other settings."""

    def make(**config):
        return create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                           "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                           **config})

    return make


def test_api_auth_can_be_turned_off_for_trusted_networks(other_app, api):
    open_app = other_app(API_AUTH_ENABLED=False)
    response = open_app.test_client().get("/api/owners")
    assert response.status_code == 200
    assert "security" not in open_app.test_client().get("/api/openapi.json").get_json()


def test_the_prefix_is_configurable(other_app, api):
    spring = other_app(API_PREFIX="/petclinic/api/")
    client = ApiClient(spring.test_client(), basic("admin"))
    assert client.get("/owners").status_code == 404  # ApiClient speaks to /api: not served here
    assert spring.test_client().get("/petclinic/api/owners", headers=basic("admin")).status_code == 200
    assert spring.test_client().get("/api/owners", headers=basic("admin")).status_code == 404
    assert "/petclinic/api/owners" in spring.test_client().get("/petclinic/api/openapi.json").get_json()["paths"]


def test_csrf_does_not_apply_to_the_api_but_still_to_forms(other_app, api):
    guarded = other_app(WTF_CSRF_ENABLED=True)
    client = guarded.test_client()
    fields = {"firstName": "George", "lastName": "Franklin", "address": "1 Main St",
              "city": "Madison", "telephone": "6085551023"}
    assert client.post("/api/owners", json=fields, headers=basic("admin")).status_code == 201
    client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert client.post("/owners/new", data={}).status_code == 400


def test_no_cors_headers_by_default(api):
    response = api().get("/owners", headers={"Origin": "https://front.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_preflight_works_for_configured_origins_only(other_app, api):
    cors = other_app(API_CORS_ORIGINS=["https://front.example"])
    client = cors.test_client()
    preflight = client.options("/api/owners", headers={
        "Origin": "https://front.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Authorization, Content-Type",
    })
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://front.example"
    assert "authorization" in preflight.headers["Access-Control-Allow-Headers"].lower()
    answered = client.get("/api/owners", headers={"Origin": "https://front.example", **basic("admin")})
    assert answered.headers["Access-Control-Allow-Origin"] == "https://front.example"
    stranger = client.get("/api/owners", headers={"Origin": "https://evil.example", **basic("admin")})
    assert "Access-Control-Allow-Origin" not in stranger.headers
    page = client.get("/login", headers={"Origin": "https://front.example"})
    assert "Access-Control-Allow-Origin" not in page.headers


def test_changes_are_audited_as_the_api_user(api, dbs):
    import sqlalchemy as sa

    from app.models import AuditEntry

    api("reception").post("/owners", json={"firstName": "George", "lastName": "Franklin",
                                           "address": "1 Main St", "city": "Madison",
                                           "telephone": "6085551023"})
    with dbs() as session:
        entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.entity_type == "owner"))
        assert entry.actor == "reception"


def test_config_rejects_the_site_root_as_prefix(other_app):
    with pytest.raises(RuntimeError, match="API_PREFIX"):
        other_app(API_PREFIX="/")
