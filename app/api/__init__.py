"""The JSON API: the Spring PetClinic REST contract, plus appointments, under API_PREFIX."""

import http

from flask_cors import CORS
from flask_smorest import Api

# Importing the resource modules attaches their routes to the blueprint.
from app.api import (  # noqa: F401
    addenda,
    appointments,
    errors,
    owners,
    pet_alerts,
    pets,
    reference,
    users,
    vaccinations,
    vets,
    visits,
    weights,
)
from app.api.auth import CookielessApi, api_user
from app.api.basic import VerifiedPasswords
from app.api.blueprint import bp
from app.api.docs import docs_bp
from app.api.schemas import ProblemDetailSchema
from app.config import ConfigurationError
from app.extensions import csrf, login_manager

PROBLEM_JSON = "application/problem+json"


class PetClinicApi(Api):
    """flask-smorest's Api, documenting errors as the problem details the API really sends."""

    ERROR_SCHEMA = ProblemDetailSchema

    def _register_error_handlers(self):
        """Leave the site's error handlers alone: the API's own sit on its blueprint."""

    def _register_responses(self):
        """Name a problem+json response for every error status (only the used ones appear)."""
        for status in http.HTTPStatus:
            if status >= 400:
                self.spec.components.response(status.name, problem(status.phrase), lazy=True)
        self.spec.components.response("DEFAULT_ERROR", problem("Any other error."), lazy=True)


def problem(description):
    """An OpenAPI response: problem details."""
    return {"description": description, "content": {PROBLEM_JSON: {"schema": ProblemDetailSchema}}}


def prefix_from(config):
    """API_PREFIX as a path: leading slash, no trailing one, never the site's root."""
    prefix = "/" + str(config.get("API_PREFIX") or "/api").strip().strip("/")
    if prefix == "/":
        raise ConfigurationError("API_PREFIX must be a path such as /api, not the site's root.")
    return prefix


def init_api(app):
    """Register the API, its OpenAPI document and docs page, CORS, and its CSRF exemption."""
    prefix = app.config["API_PREFIX"] = prefix_from(app.config)
    auth = app.config.setdefault("API_AUTH_ENABLED", True)
    app.config.setdefault("API_TITLE", "PetClinic API")
    app.config.setdefault("API_VERSION", "1.0")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config["API_SPEC_OPTIONS"] = {
        "info": {"description": "The Spring PetClinic REST contract, plus appointments, "
                                "vaccinations and reminders."},
        **({"security": [{"bearerAuth": []}, {"basicAuth": []}]} if auth else {}),
    }
    app.extensions["api_verified_passwords"] = VerifiedPasswords(
        app.config.get("API_BASIC_CACHE_SECONDS", 300)
    )
    api = PetClinicApi(app)
    if auth:
        api.spec.components.security_scheme(
            "bearerAuth", {"type": "http", "scheme": "bearer",
                           "description": "A personal API token (pct_...)."}
        )
        api.spec.components.security_scheme("basicAuth", {"type": "http", "scheme": "basic"})
    api.register_blueprint(bp, url_prefix=prefix)
    app.register_blueprint(docs_bp, url_prefix=prefix)
    # Basic credentials are sent by the client, not a browser cookie: no CSRF to defend against.
    csrf.exempt(bp)
    app.session_interface = CookielessApi()
    login_manager.request_loader(api_user)
    origins = app.config.get("API_CORS_ORIGINS") or []
    if origins:
        CORS(
            app,
            resources={f"{prefix}/*": {"origins": origins}},
            allow_headers=["Authorization", "Content-Type"],
            expose_headers=["Location", "X-Request-ID"],
            max_age=600,
        )
    return api


errors.register(bp)
