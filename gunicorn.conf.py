"""gunicorn settings: `gunicorn wsgi:app` in the repository root reads this file by itself.

Every setting can be overridden on the command line or in GUNICORN_CMD_ARGS (e.g. "--preload").
"""

import os


def _env_int(name, default):
    """An integer environment variable, or the default when it is unset or empty."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise SystemExit(f"{name} must be a whole number, got {raw!r}")
    return int(raw)


def _default_workers():
    """Two sync workers per usable CPU plus one, capped so that the database is not flooded."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    # Each worker holds its own connections; several hosts share one PostgreSQL's 100 or so.
    return min(2 * (cpus or 1) + 1, 8)


# Loopback by default: nginx on the same host. HOST=0.0.0.0 to take traffic from other hosts.
bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{_env_int('PORT', 8000)}"]
workers = _env_int("WEB_CONCURRENCY", _default_workers())
worker_class = "sync"

# A request that takes longer than this is stuck: its worker is replaced.
timeout = _env_int("GUNICORN_TIMEOUT", 30)
# On SIGTERM, workers finish the requests they have before exiting (graceful shutdown).
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# One line per request: time, client, method, path, status, bytes, duration, the request id
# (also on the 500 page and in the app's error log) and the worker's pid. The query string is
# left out: searches carry people's names.
access_log_format = (
    '%(t)s %(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s worker=%(p)s'
)
# ... and a calendar feed's path is logged without its secret (the URL is the credential).
logger_class = "app.ops.access_log.AccessLogger"


def on_starting(server):
    """Refuse to start without a real SECRET_KEY: one clear line, before any worker boots."""
    from flask.helpers import get_debug_flag

    from app.ops.security import MISSING_SECRET_KEY, is_missing_secret_key

    # create_app() refuses too, but in every worker, each with a traceback.
    if not get_debug_flag() and is_missing_secret_key(os.environ.get("SECRET_KEY")):
        raise SystemExit(MISSING_SECRET_KEY)


def post_fork(server, worker):
    """Give a worker its own database connections, never one the master opened."""
    if server.cfg.preload_app:
        # With --preload the app, and any connection it made, exists before the fork.
        from app.ops.forking import dispose_inherited_pools

        dispose_inherited_pools(server.app.wsgi())
