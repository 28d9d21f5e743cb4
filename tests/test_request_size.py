"""Request bodies over MAX_REQUEST_BYTES are refused with 413, as a page or a JSON problem.

tests/test_deployment.py sends them to a real gunicorn, with a Content-Length and chunked;
here the test client sends a chunked body as gunicorn hands it on (no Content-Length,
wsgi.input_terminated set).
"""

import io
import json

import pytest
from werkzeug.exceptions import RequestEntityTooLarge

from app import config as app_config
from app.ops.request_size import CappedInput
from tests.api.conftest import assert_problem, basic
from tests.staff import PASSWORD, ensure_staff

LIMIT = app_config.DEFAULT_MAX_REQUEST_BYTES


def test_the_limit_is_a_mebibyte_unless_set(app):
    assert app.config["MAX_CONTENT_LENGTH"] == LIMIT == 1024 * 1024


def test_a_form_over_the_limit_is_a_413_page_in_the_sites_layout(anonymous):
    response = anonymous.post("/login", data={"username": "x" * LIMIT, "password": "p"})

    assert response.status_code == 413
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Request too large" in page and "PetClinic" in page
    assert "1,048,576 bytes at most" in page


def test_a_form_just_under_the_limit_is_read_as_usual(anonymous):
    padding = "x" * (LIMIT - 100)
    response = anonymous.post("/login", data={"username": padding, "password": "p"})

    assert response.status_code == 200  # the form again, with its error
    assert "Request too large" not in response.get_data(as_text=True)


def test_a_json_body_over_the_limit_is_a_413_problem(app, anonymous):
    ensure_staff(app)
    body = json.dumps({"firstName": "x" * LIMIT})

    response = anonymous.post(
        "/api/owners", data=body, content_type="application/json", headers=basic("admin")
    )

    assert_problem(response, 413, "1,048,576 bytes at most")


def test_a_page_asked_for_as_json_gets_a_413_problem(anonymous):
    response = anonymous.post(
        "/login",
        data={"username": "x" * LIMIT},
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["title"] == "Request too large"


@pytest.mark.parametrize(
    "data",
    [
        {"username": "x" * (64 * 1024 + 1)},  # one text part over MAX_FORM_MEMORY_SIZE
        {f"field{n}": "x" for n in range(101)},  # more parts than MAX_FORM_PARTS
    ],
    ids=["long-part", "many-parts"],
)
def test_a_multipart_form_over_its_limits_is_a_413(anonymous, data):
    response = anonymous.post("/login", data=data, content_type="multipart/form-data")

    assert response.status_code == 413
    assert "Request too large" in response.get_data(as_text=True)


def test_the_limit_is_read_from_max_request_bytes(monkeypatch):
    monkeypatch.setenv("MAX_REQUEST_BYTES", "2097152")
    assert app_config.from_environment()["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1MB", "MAX_REQUEST_BYTES must be a whole number, got '1MB'"),
        ("1000", "MAX_REQUEST_BYTES must be at least 65536, got 1000"),
        ("-1", "MAX_REQUEST_BYTES must be at least 65536, got -1"),
    ],
)
def test_a_malformed_or_tiny_limit_is_refused_at_start(monkeypatch, value, message):
    monkeypatch.setenv("MAX_REQUEST_BYTES", value)
    with pytest.raises(app_config.ConfigurationError, match=message):
        app_config.from_environment()


def chunked(client, path, body, **kwargs):
    """POST a body as a server hands on a chunked one: no Content-Length, input_terminated."""
    return client.post(
        path,
        input_stream=io.BytesIO(body),
        content_type="application/x-www-form-urlencoded",
        # Werkzeug ignores a Content-Length when the body is chunked.
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
        **kwargs,
    )


def sign_in_body(size):
    """An admin's sign-in form padded to exactly ``size`` bytes."""
    body = f"username=admin&password={PASSWORD}&pad=".encode()
    return body + b"x" * (size - len(body))


def test_a_chunked_body_over_the_limit_is_a_413_not_a_truncated_form(app, anonymous):
    ensure_staff(app)
    # Werkzeug alone would read the first LIMIT bytes and sign in with them.
    response = chunked(anonymous, "/login", sign_in_body(LIMIT + 1))

    assert response.status_code == 413
    assert "Request too large" in response.get_data(as_text=True)


def test_a_chunked_body_of_the_limit_exactly_is_read_whole(app, anonymous):
    ensure_staff(app)
    response = chunked(anonymous, "/login", sign_in_body(LIMIT))

    assert response.status_code == 302  # signed in


def test_the_capped_input_never_reads_more_than_one_byte_past_the_limit():
    source = io.BytesIO(b"x" * 10_000)
    capped = CappedInput(source, 100)

    with pytest.raises(RequestEntityTooLarge):
        capped.read()
    assert source.tell() == 101
