"""Session per request: nothing outlives a request, not even a failed one."""

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.models import Owner
from tests.staff import signed_in


@pytest.fixture
def lifecycle_app(committing, database_url):
    """A second app on the same database, with routes that write and that fail."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                      "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False})

    @app.post("/_test/write-then-fail")
    def write_then_fail():
        db.session.add(Owner(first_name="Half", last_name="Written", address="a", city="c",
                             telephone="+16085550000"))
        db.session.flush()
        raise RuntimeError("boom after a flush")

    @app.get("/_test/read")
    def read():
        return str(db.session.scalar(sa.select(sa.func.count(Owner.id))))

    yield app
    with app.app_context():
        db.engine.dispose()


def assert_nothing_held(app):
    """No session left in the scoped registry, no connection checked out of the pool."""
    assert db.session.registry.registry == {}
    with app.app_context():
        engine = db.engine
    assert engine.pool.checkedout() == 0


@pytest.mark.committing
def test_a_successful_request_leaves_no_session_and_no_connection(lifecycle_app):
    client = signed_in(lifecycle_app, "reception")
    response = client.get("/_test/read")
    assert response.status_code == 200
    assert_nothing_held(lifecycle_app)


@pytest.mark.committing
def test_a_failed_request_rolls_back_and_leaves_no_session_and_no_connection(lifecycle_app):
    client = signed_in(lifecycle_app, "reception")
    response = client.post("/_test/write-then-fail")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
    assert "boom" not in response.get_data(as_text=True)
    assert_nothing_held(lifecycle_app)
    assert client.get("/_test/read").get_data(as_text=True) == "0"
