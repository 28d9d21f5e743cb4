"""The OpenAPI document, generated from the code, and Swagger UI to try the API in a browser.

Both are public (they hold no clinic data, as with the Spring REST project). Swagger UI's
files come from the flask-swagger-ui package and are served from here, never from a CDN,
and the page starts it from static/js/api-docs.js rather than an inline script, so the
site's Content-Security-Policy (scripts and styles from 'self' only) holds for it too.
"""

import os

import flask_swagger_ui
from flask import Blueprint, current_app, jsonify, render_template, send_from_directory, url_for

SWAGGER_UI_FILES = os.path.join(os.path.dirname(flask_swagger_ui.__file__), "dist")

docs_bp = Blueprint("api_docs", __name__)


@docs_bp.get("/openapi.json")
def openapi_json():
    """The API's OpenAPI 3 document."""
    api = current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    return jsonify(api.spec.to_dict())


@docs_bp.get("/docs")
def docs():
    """Swagger UI on the API's document."""
    return render_template(
        "api/docs.html",
        spec_url=url_for(".openapi_json"),
        assets=url_for(".swagger_ui_file", filename="").rstrip("/"),
    )


@docs_bp.get("/docs/swagger-ui/<path:filename>")
def swagger_ui_file(filename):
    """One of Swagger UI's own files (scripts, style sheet, icons)."""
    return send_from_directory(SWAGGER_UI_FILES, filename, max_age=3600)
