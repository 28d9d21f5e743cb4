"""The API's own OpenAPI document, its docs page, and its coverage of the reference contract."""

import re
from pathlib import Path

import pytest
import yaml
from openapi_spec_validator import validate

CONTRACT = Path(__file__).resolve().parents[3] / "shared/reference/spring-petclinic-rest-openapi.yml"


def document(anonymous):
    """The document as served."""
    response = anonymous.get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_the_document_is_valid_openapi_3(anonymous):
    spec = document(anonymous)
    assert spec["openapi"].startswith("3.0")
    validate(spec)


def test_every_operation_of_the_contract_is_served_but_oops(anonymous):
    if not CONTRACT.exists():
        pytest.skip("the reference contract sits in shared/, beside the checkout")
    contract = yaml.safe_load(CONTRACT.read_text())
    ours = {
        (re.sub(r"\{[^}]+\}", "{}", path.removeprefix("/api")), method)
        for path, item in document(anonymous)["paths"].items()
        for method in item
        if method != "parameters"
    }
    wanted = {
        (re.sub(r"\{[^}]+\}", "{}", path), method)
        for path, item in contract["paths"].items()
        for method in item
        if path != "/oops"
    }
    assert wanted <= ours, wanted - ours


def test_errors_are_documented_as_problem_details_with_bearer_or_basic_auth(anonymous):
    spec = document(anonymous)
    assert spec["security"] == [{"bearerAuth": []}, {"basicAuth": []}]
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearerAuth"]["scheme"] == "bearer" and schemes["basicAuth"]["scheme"] == "basic"
    problem = spec["components"]["responses"]["NOT_FOUND"]["content"]["application/problem+json"]
    assert problem["schema"] == {"$ref": "#/components/schemas/ProblemDetail"}
    required = spec["components"]["schemas"]["ProblemDetail"]["required"]
    assert set(required) == {"type", "title", "status", "detail", "timestamp",
                             "schemaValidationErrors"}
    owner_fields = spec["components"]["schemas"]["OwnerFields"]["properties"]
    assert owner_fields["firstName"]["pattern"] == r"^[^\W\d_]+([ '-][^\W\d_]+){0,2}$"


def test_the_docs_page_uses_local_assets_under_the_sites_csp(anonymous):
    page = anonymous.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<script>" not in html  # no inline script: the site's CSP ('self') applies unchanged
    assert "script-src" not in page.headers["Content-Security-Policy"] or "'unsafe-inline'" not in (
        page.headers["Content-Security-Policy"]
    )
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith("/") for source in sources)
    for source in sources:
        asset = anonymous.get(source)
        assert asset.status_code == 200, source
        asset.close()


# The Spring implementation's answers (its controllers, rest/controller/v1): updates and deletes
# are 204 No Content, creates 201 with Location. The document says the same as the code does.
SPRING_NO_CONTENT = [
    ("/api/owners/{owner_id}", "put"), ("/api/owners/{owner_id}", "delete"),
    ("/api/owners/{owner_id}/pets/{pet_id}", "put"),
    ("/api/pets/{pet_id}", "put"), ("/api/pets/{pet_id}", "delete"),
    ("/api/visits/{visit_id}", "put"), ("/api/visits/{visit_id}", "delete"),
    ("/api/vets/{vet_id}", "put"), ("/api/vets/{vet_id}", "delete"),
    ("/api/pettypes/{row_id}", "put"), ("/api/pettypes/{row_id}", "delete"),
    ("/api/specialties/{row_id}", "put"), ("/api/specialties/{row_id}", "delete"),
]
SPRING_CREATED = ["/api/owners", "/api/owners/{owner_id}/pets",
                  "/api/owners/{owner_id}/pets/{pet_id}/visits", "/api/visits", "/api/vets",
                  "/api/pettypes", "/api/specialties", "/api/users"]


@pytest.mark.parametrize(("path", "method"), SPRING_NO_CONTENT)
def test_the_document_answers_updates_and_deletes_with_204_and_no_body(anonymous, path, method):
    responses = document(anonymous)["paths"][path][method]["responses"]
    assert "204" in responses and "200" not in responses
    assert "content" not in responses["204"]


@pytest.mark.parametrize("path", SPRING_CREATED)
def test_the_document_answers_creates_with_201_and_location(anonymous, path):
    responses = document(anonymous)["paths"][path]["post"]["responses"]
    assert "201" in responses and "200" not in responses
    assert "Location" in responses["201"]["headers"]
