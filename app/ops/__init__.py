"""Operations: what running PetClinic in production needs, installed by create_app."""

from app.extensions import db
from app.ops import database_faults, health, request_size, security, statements
from app.problems import request_id


def register(app):
    """Check the production settings, then install proxy handling, headers and health endpoints.

    Called after the extensions, so that its session teardown runs before Flask-SQLAlchemy's.
    """
    security.require_secret_key(app)
    security.trust_proxy_headers(app)
    request_size.refuse_oversized_chunked_bodies(app)
    health.answer_liveness_probes(app)
    app.after_request(security.add_security_headers)
    app.after_request(tag_with_request_id)
    app.teardown_appcontext(database_faults.close_session)
    app.register_blueprint(health.bp)
    if app.config.get("SQL_STATEMENT_HEADER"):
        with app.app_context():
            statements.count_statements(app, db.engine)


def tag_with_request_id(response):
    """Return the request id to the client, and so to gunicorn's access log line."""
    response.headers["X-Request-ID"] = request_id()
    return response
