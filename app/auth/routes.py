"""Sign-in and sign-out; every other page needs a signed-in user (see require_sign_in)."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth.forms import SignInForm
from app.auth.services import SignInRefused, authenticate, end_session, start_session
from app.extensions import db
from app.i18n import _

bp = Blueprint("auth", __name__)

# Endpoints reachable without signing in.
# The calendar feed's secret URL is its own credential (app/calendar_feed), as a message's
# signed unsubscribe token is (app/messages/public.py).
PUBLIC_ENDPOINTS = {
    "auth.login",
    "static",
    "bootstrap.static",
    "ops.readyz",
    "calendar_feed.feed",
    "unsubscribe.confirm",
}


def safe_next(target):
    """``target`` if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(ch) < 32 for ch in target):
        return None
    return target


def landing_page(user):
    """Where a user starts: a vet sees their own week on the schedule first."""
    if user.vet_id is not None:
        return url_for("schedule.grid", view="week", vet=user.vet_id)
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in form; on success, back to where the user was going."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or landing_page(current_user))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data)
        except SignInRefused as refusal:
            db.session.commit()  # keep the failure count even though sign-in failed
            form.password.errors.append(str(refusal))
            return render_template("auth/login.html", form=form), 401
        start_session(user)
        db.session.commit()
        session.clear()  # no session fixation: a fresh session for the signed-in user
        login_user(user)
        return redirect(safe_next(request.args.get("next")) or landing_page(user))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Sign out: the server forgets the session, so a copy of its cookie is refused too."""
    end_session(current_user.session_token)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))
