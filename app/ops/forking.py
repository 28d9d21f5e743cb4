"""Fork safety: every gunicorn worker opens database connections of its own."""

from app.extensions import db


def dispose_inherited_pools(app):
    """Forget the connection pools a forked worker inherited, without closing their connections.

    SQLAlchemy's advice for os.fork(): a connection must never be used by two processes.
    close=False leaves the parent's connections open for the parent, which still owns them.
    """
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
