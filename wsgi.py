"""WSGI entry point: `gunicorn wsgi:app` and `flask --app wsgi ...`."""

from app import create_app
from app.config import ConfigurationError

try:
    app = create_app()
except ConfigurationError as refusal:
    # A setting to fix, not a bug: one line for the administrator, not a traceback.
    raise SystemExit(f"PetClinic cannot start: {refusal}") from None
