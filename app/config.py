"""Configuration read from the environment, with defaults that run the demo on SQLite."""

import os
from datetime import time

DEFAULT_SECRET_KEY = "dev-only-insecure-key"

# The largest request body the site reads. Its biggest legitimate bodies (a form, an API
# call) are a few kilobytes; CSV files are imported by a command, not uploaded.
DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024
# Below this, a long visit description in a non-Latin script would no longer fit in a form.
MIN_MAX_REQUEST_BYTES = 64 * 1024


class ConfigurationError(RuntimeError):
    """A setting the app cannot run with; the message names it and says what it must be."""


def _env_int(name, default, minimum=None):
    """Read an integer environment variable, refusing anything that is not one (or too small)."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}, got {value}")
    return value


def _env_bool(name, default):
    """Read a yes/no environment variable."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_time(name, default):
    """Read an HH:MM environment variable."""
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return time.fromisoformat(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a time as HH:MM, got {raw!r}") from None


def _env_choice(name, default, choices):
    """Read an environment variable that must be one of a few words (any case)."""
    value = os.environ.get(name, "").strip().lower() or default
    if value not in choices:
        raise ConfigurationError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def _statement_timeout():
    """DB_STATEMENT_TIMEOUT: seconds a database statement may take, 0 for no bound.

    It must end before gunicorn gives up on the request and kills the worker, or a stalled
    database would still cost workers instead of giving 503s.
    """
    seconds = _env_int("DB_STATEMENT_TIMEOUT", 10, minimum=0)
    gunicorn_timeout = _env_int("GUNICORN_TIMEOUT", 30, minimum=0)  # 0: gunicorn never kills
    if seconds and gunicorn_timeout and seconds >= gunicorn_timeout:
        raise ConfigurationError(
            f"DB_STATEMENT_TIMEOUT ({seconds} s) must be less than GUNICORN_TIMEOUT "
            f"({gunicorn_timeout} s), or a stalled database gets workers killed"
        )
    return seconds


def engine_options(url):
    """Engine keyword arguments for a database URL: pool settings only for server databases."""
    options = {"pool_pre_ping": _env_bool("DB_POOL_PRE_PING", True)}
    if url.startswith("sqlite"):
        # Wait for a competing writer instead of failing at once ("database is locked").
        options["connect_args"] = {"timeout": _env_int("SQLITE_BUSY_TIMEOUT", 15)}
    else:
        # An unreachable database host must fail a request fast, not hang a worker.
        options["connect_args"] = {"connect_timeout": _env_int("DB_CONNECT_TIMEOUT", 5)}
        options.update(
            pool_size=_env_int("DB_POOL_SIZE", 5),
            max_overflow=_env_int("DB_MAX_OVERFLOW", 10),
            pool_recycle=_env_int("DB_POOL_RECYCLE", 1800),
            pool_timeout=_env_int("DB_POOL_TIMEOUT", 10),
        )
    return options


def from_environment():
    """Build the configuration mapping from environment variables."""
    url = os.environ.get("DATABASE_URL", "sqlite:///petclinic.db")
    if url.startswith("postgres://") or url.startswith("postgresql://"):
        # Name the driver we ship (psycopg 3) so a plain postgres URL just works.
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url),
        "SQLALCHEMY_ECHO": _env_bool("SQL_ECHO", False),
        "SLOW_QUERY_MS": _env_int("SLOW_QUERY_MS", 200),
        # Bounds every wait for PostgreSQL, even one that has stopped answering (app/database.py).
        "DB_STATEMENT_TIMEOUT": _statement_timeout(),
        # Benchmarks only: each response's SQL statement count in X-SQL-Statements (app/ops).
        "SQL_STATEMENT_HEADER": _env_bool("SQL_STATEMENT_HEADER", False),
        "CLINIC_TIMEZONE": os.environ.get("CLINIC_TIMEZONE", "America/Chicago"),
        # The language of pages when neither the user nor the browser names one the app speaks,
        # and of messages to owners who have none of their own (app/i18n.py).
        "CLINIC_LOCALE": _env_choice("CLINIC_LOCALE", "en", ("en", "es", "fr", "de")),
        # The clinic's hours every day until an administrator sets them per weekday.
        "CLINIC_OPENS": _env_time("CLINIC_OPENS", time(8, 0)),
        "CLINIC_CLOSES": _env_time("CLINIC_CLOSES", time(18, 0)),
        # The schedule's rows, and the steps the next-free-slot search takes.
        "SLOT_MINUTES": _env_int("SLOT_MINUTES", 15, minimum=5),
        # How far ahead a booking may be made.
        "BOOKING_HORIZON_DAYS": _env_int("BOOKING_HORIZON_DAYS", 365, minimum=1),
        # Where staff reach the site, for addresses made outside a request (`flask vets feed`).
        "SITE_URL": os.environ.get("SITE_URL", "").strip(),
        # How long the author of a visit (or an administrator) may correct it, from when it
        # was recorded; after that it is locked and takes only addenda. 0: locked at once.
        "VISIT_CORRECTION_HOURS": _env_int("VISIT_CORRECTION_HOURS", 24, minimum=0),
        # Printed on the pet record and the vaccination certificate.
        "CLINIC_NAME": os.environ.get("CLINIC_NAME", "PetClinic Madison"),
        "CLINIC_ADDRESS": os.environ.get(
            "CLINIC_ADDRESS", "1 S. Pinckney St., Madison, WI 53703"
        ),
        "CLINIC_PHONE": os.environ.get("CLINIC_PHONE", "(608) 555-0100"),
        "PHONE_REGION": os.environ.get("PHONE_REGION", "US"),
        # Messages to owners (app/messages; README, "Messages to owners"). Without SMTP_HOST,
        # messages go to the development backend: kept in the outbox and logged, not sent.
        "SMTP_HOST": os.environ.get("SMTP_HOST", "").strip(),
        "SMTP_PORT": _env_int("SMTP_PORT", 587, minimum=1),
        # starttls (upgrade a plain connection), tls (TLS from the start, port 465) or none.
        "SMTP_SECURITY": _env_choice("SMTP_SECURITY", "starttls", ("starttls", "tls", "none")),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_TIMEOUT": _env_int("SMTP_TIMEOUT", 30, minimum=1),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "PetClinic <clinic@petclinic.invalid>"),
        # Message-IDs end in @<this> (default: SITE_URL's host).
        "MESSAGE_ID_DOMAIN": os.environ.get("MESSAGE_ID_DOMAIN", "").strip(),
        # A transient failure is retried after MESSAGE_RETRY_SECONDS, doubling each time, and
        # given up (failed, shown to staff) after MESSAGE_MAX_ATTEMPTS attempts.
        "MESSAGE_MAX_ATTEMPTS": _env_int("MESSAGE_MAX_ATTEMPTS", 5, minimum=1),
        "MESSAGE_RETRY_SECONDS": _env_int("MESSAGE_RETRY_SECONDS", 60, minimum=1),
        # How long a sender's claim on the message it is sending lasts: past it, a sender that
        # died mid-send is presumed dead and another sends the message (app/messages/sender.py).
        # Well above the longest send (about ten SMTP_TIMEOUTs), or a slow send goes twice.
        "MESSAGE_CLAIM_SECONDS": _env_int(
            "MESSAGE_CLAIM_SECONDS", 10 * _env_int("SMTP_TIMEOUT", 30, minimum=1), minimum=1
        ),
        # The reminder run (`flask reminders queue`): appointment reminders this many hours
        # before; vaccination reminders this many days before the due date, then up to
        # VACCINATION_OVERDUE_REMINDERS more while overdue, this many days apart.
        "APPOINTMENT_REMINDER_HOURS": _env_int("APPOINTMENT_REMINDER_HOURS", 24, minimum=1),
        "VACCINATION_REMINDER_DAYS": _env_int("VACCINATION_REMINDER_DAYS", 14, minimum=0),
        "VACCINATION_OVERDUE_REMINDERS": _env_int("VACCINATION_OVERDUE_REMINDERS", 2, minimum=0),
        "VACCINATION_OVERDUE_SPACING_DAYS": _env_int(
            "VACCINATION_OVERDUE_SPACING_DAYS", 14, minimum=1
        ),
        # How long a message's unsubscribe link works.
        "UNSUBSCRIBE_TOKEN_DAYS": _env_int("UNSUBSCRIBE_TOKEN_DAYS", 90, minimum=1),
        "PAGE_SIZE": _env_int("PAGE_SIZE", 10, minimum=1),
        "SEARCH_COUNT_LIMIT": _env_int("SEARCH_COUNT_LIMIT", 1000, minimum=1),
        "LOGIN_MAX_FAILURES": _env_int("LOGIN_MAX_FAILURES", 5, minimum=1),
        "LOGIN_LOCK_MINUTES": _env_int("LOGIN_LOCK_MINUTES", 15, minimum=1),
        # A signed-in browser session ends this many hours after sign-in, at the latest.
        "SESSION_HOURS": _env_int("SESSION_HOURS", 12, minimum=1),
        "BOOTSTRAP_SERVE_LOCAL": True,
        # A body over this is refused with 413 before it is read, whether it is sent with a
        # Content-Length or chunked (Werkzeug stops reading at the limit).
        "MAX_CONTENT_LENGTH": _env_int(
            "MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES, minimum=MIN_MAX_REQUEST_BYTES
        ),
        # multipart/form-data only (the site's forms are urlencoded, and it takes no uploads):
        # no text field near 64 KiB, no form with a hundred parts.
        "MAX_FORM_MEMORY_SIZE": 64 * 1024,
        "MAX_FORM_PARTS": 100,
        # The JSON API (app/api; README, "JSON API").
        "API_PREFIX": os.environ.get("API_PREFIX", "/api"),
        "API_AUTH_ENABLED": _env_bool("API_AUTH_ENABLED", True),
        # A worker remembers a verified Basic password this long (0: Argon2 on every call).
        "API_BASIC_CACHE_SECONDS": _env_int("API_BASIC_CACHE_SECONDS", 300, minimum=0),
        # The streamed lists (GET /api/owners ...) read and send this many rows at a time.
        "API_STREAM_CHUNK": _env_int("API_STREAM_CHUNK", 500, minimum=1),
        "API_CORS_ORIGINS": [
            origin.strip()
            for origin in os.environ.get("API_CORS_ORIGINS", "").split(",")
            if origin.strip()
        ],
        # Production settings (app/ops/security.py; README, "Deploying").
        "SESSION_COOKIE_SECURE": _env_bool("SESSION_COOKIE_SECURE", True),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PROXY_FIX": {
            hops: _env_int(f"PROXY_FIX_{hops.upper()}", 0)
            for hops in ("x_for", "x_proto", "x_host", "x_port", "x_prefix")
        },
    }
