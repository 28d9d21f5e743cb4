"""The feed itself (GET /calendar/<secret>.ics, no sign-in) and the page that manages it."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from app.auth.permissions import can
from app.calendar_feed.services import (
    feed_for_secret,
    feed_of,
    feed_url,
    issue_feed,
    revoke_feed,
    webcal_url,
)
from app.confirmation import confirmation_page
from app.extensions import db
from app.i18n import _
from app.models import Vet

bp = Blueprint("calendar_feed", __name__)

# Reachable without signing in (app.auth.routes.PUBLIC_ENDPOINTS): the secret is the credential.
@bp.get("/calendar/<secret>.ics")
def feed(secret):
    """The vet's appointments as iCalendar; 404 for a secret that is unknown, replaced or revoked.

    A read only: nothing is written, whoever fetches it and however often.
    """
    # Here, not at the top: icalendar costs every process ~25 ms to import, for this page only.
    from app.calendar_feed.ical import feed_appointments, feed_etag, feed_window, vet_calendar

    calendar_feed = feed_for_secret(secret)
    if calendar_feed is None:
        abort(404)
    vet = calendar_feed.vet
    host = urlsplit(request.host_url).hostname
    first, last = feed_window()
    appointments = feed_appointments(vet.id, first, last)
    etag = feed_etag(vet, appointments, host, first)
    if request.if_none_match.contains(etag):
        response = make_response("", 304)
    else:
        document = vet_calendar(vet, appointments, host, first, last, appointment_url)
        response = make_response(document)
        response.content_type = "text/calendar; charset=utf-8"
        response.headers["Content-Disposition"] = f'inline; filename="vet-{vet.id}.ics"'
    response.set_etag(etag)
    # The user's own calendar app may keep it; no shared cache may, and it revalidates.
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def appointment_url(appointment):
    """The appointment's page (it needs a sign-in; the feed only links to it)."""
    return url_for("appointments.detail", appointment_id=appointment.id, _external=True)


@bp.app_template_global()
def may_manage_feed(vet_id):
    """The vet's own account, or an administrator, may make, replace and revoke the feed."""
    own = current_user.is_authenticated and current_user.vet_id == vet_id
    return own or can("vets.manage")


def managed_vet(vet_id):
    """The vet whose feed this page manages: 404 if none, 403 for anyone but them or an admin."""
    vet = db.get_or_404(Vet, vet_id)
    if not may_manage_feed(vet.id):
        abort(403, description=_("Your role does not allow this: only the vet themselves or an "
                                 "administrator manages a vet's calendar feed."))
    return vet


def feed_page(vet, secret=None, status=200):
    """The feed's page; with ``secret``, the one time its new address is shown."""
    urls = None
    if secret is not None:
        url = feed_url(secret)
        urls = {"https": url, "webcal": webcal_url(url)}
    response = make_response(
        render_template("calendar_feed/manage.html", vet=vet, feed=feed_of(vet.id), urls=urls),
        status,
    )
    # The page with a secret on it is kept by no cache, the browser's history included.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/vets/<int:vet_id>/calendar-feed")
def manage(vet_id):
    """Whether the vet has a feed, and buttons to make, replace or revoke it."""
    return feed_page(managed_vet(vet_id))


@bp.post("/vets/<int:vet_id>/calendar-feed")
def issue(vet_id):
    """Make the vet's feed, or replace it (the old address stops at once); shows the address once."""
    vet = managed_vet(vet_id)
    replacing = feed_of(vet.id) is not None
    secret = issue_feed(vet.id)
    db.session.commit()
    if replacing:
        flash(_("A new feed address is made. The old one no longer works."), "success")
    return feed_page(vet, secret)


@bp.route("/vets/<int:vet_id>/calendar-feed/revoke", methods=["GET", "POST"])
def revoke(vet_id):
    """Confirm, then revoke the vet's feed: its address answers 404 from now on."""
    vet = managed_vet(vet_id)
    if request.method == "GET":
        feed = feed_of(vet.id)
        return confirmation_page(
            _("Revoke %(vet)s's calendar feed?", vet=vet.full_name), _("Revoke the feed"),
            url_for("calendar_feed.manage", vet_id=vet.id),
            [_("Its address stops working at once: calendars subscribed to it get no more "
               "appointments. A new address can be made afterwards.")],
            refusal=None if feed else _("%(vet)s has no calendar feed.", vet=vet.full_name))
    if revoke_feed(vet.id):
        db.session.commit()
        flash(_("The calendar feed of %(vet)s is revoked.", vet=vet.full_name), "success")
    else:
        flash(_("%(vet)s has no calendar feed.", vet=vet.full_name), "info")
    return redirect(url_for("calendar_feed.manage", vet_id=vet.id))
