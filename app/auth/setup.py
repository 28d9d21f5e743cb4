"""Wiring sign-in into the app: the login manager, the sign-in wall, the `can` template helper."""

from flask import flash, redirect, request, url_for
from flask_login import current_user

from app.auth.permissions import can
from app.auth.routes import PUBLIC_ENDPOINTS
from app.auth.services import load_user
from app.errors import render_error
from app.extensions import login_manager
from app.i18n import _l
from app.problems import wants_json

# The JSON API answers 401 with WWW-Authenticate itself (app/api/auth.py), never a redirect
# to the sign-in page; its OpenAPI document and docs page hold no clinic data.
SELF_AUTHENTICATING_BLUEPRINTS = {"api", "api_docs"}


def init_auth(app):
    """Configure Flask-Login and require a signed-in user for every non-public endpoint."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user)

    @login_manager.unauthorized_handler
    def unauthorized():
        if wants_json():
            return render_error(401, "Unauthorized", "Sign in first.")
        flash(str(login_manager.login_message), login_manager.login_message_category)
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    @app.before_request
    def require_sign_in():
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return None
        if request.blueprint in SELF_AUTHENTICATING_BLUEPRINTS:
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return None

    app.add_template_global(can)
