"""Vet pages: the list (HTML or JSON), a vet's week, add, edit, delete."""

from datetime import date, timedelta

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy.orm import selectinload

from app.api.schemas import VetSchema
from app.appointments.schedule import vet_schedule
from app.auth.permissions import permission_required
from app.clinic import clinic_today
from app.concurrency import ChangedMeanwhile, refuse_stale_form, saving
from app.confirmation import confirmation_page
from app.extensions import db
from app.i18n import _, _l
from app.models import Vet
from app.models.working_time import WEEKDAYS
from app.pagination import page_number
from app.problems import wants_json
from app.vets.forms import VetForm
from app.vets.services import (
    VETS_BY_NAME,
    VetInUse,
    create_vet,
    delete_vet,
    update_vet,
    vet_has_records,
    with_specialties,
)
from app.working_time.services import absences_of

bp = Blueprint("vets", __name__, url_prefix="/vets")

# What an admin sees of a vet saved by someone else meanwhile.
VET_LABELS = {
    _l("First name"): "first_name",
    _l("Last name"): "last_name",
    _l("Specialties"): lambda vet: ", ".join(s.name for s in vet.specialties),
    _l("Takes bookings"): lambda vet: _("yes") if vet.active else _("no"),
}


def vet_with_specialties(vet_id):
    """The vet with its specialties loaded, or 404."""
    return db.get_or_404(Vet, vet_id, options=[selectinload(Vet.specialties)])

WEEK = timedelta(days=7)


def vet_json(vet):
    """A vet as the API shows one, plus the count Spring PetClinic's /vets JSON has."""
    return {**VetSchema().dump(vet), "nrOfSpecialties": len(vet.specialties)}


@bp.get("")
@permission_required("vets.view")
def index():
    """Vets with their specialties, a page at a time; JSON when the client asks for it."""
    page = db.paginate(VETS_BY_NAME, page=page_number(), per_page=current_app.config["PAGE_SIZE"])
    with_specialties(page.items)
    if wants_json():
        return jsonify(
            vetList=[vet_json(vet) for vet in page.items],
            page=page.page,
            pages=page.pages,
            total=page.total,
        )
    return render_template("vets/list.html", page=page)


def week_start(raw):
    """The Monday of the week containing ?week= (this week when absent or unreadable)."""
    try:
        day = date.fromisoformat(raw) if raw else clinic_today()
    except ValueError:
        day = clinic_today()
    monday = day - timedelta(days=day.weekday())
    # The page links to the weeks either side: the calendar's first and last weeks
    # (years 1 and 9999) have no such neighbour.
    if not date.min + WEEK <= monday <= date.max - WEEK:
        return week_start(None)
    return monday


@bp.get("/<int:vet_id>")
@permission_required("vets.view")
def detail(vet_id):
    """The vet, their specialties, rota, absences ahead and the week's schedule (?week= to move)."""
    vet = db.get_or_404(Vet, vet_id, options=[selectinload(Vet.specialties), selectinload(Vet.rota)])
    monday = week_start(request.args.get("week"))
    appointments = vet_schedule(vet.id, monday)
    days = [monday + timedelta(days=n) for n in range(7)]
    by_day = {day: [a for a in appointments if a.starts_at.date() == day] for day in days}
    return render_template(
        "vets/detail.html", vet=vet, monday=monday, by_day=by_day, timedelta=timedelta,
        absences=absences_of([vet.id]), weekdays=WEEKDAYS,
    )


@bp.route("/new", methods=["GET", "POST"])
@permission_required("vets.manage")
def new():
    """Add a vet."""
    form = VetForm()
    if form.validate_on_submit():
        vet = create_vet(
            form.first_name.data, form.last_name.data, form.specialty_ids.data, form.active.data
        )
        db.session.commit()
        flash(_("Vet %(name)s added.", name=vet.full_name), "success")
        return redirect(url_for("vets.detail", vet_id=vet.id))
    return render_template("vets/form.html", form=form, vet=None)


@bp.route("/<int:vet_id>/edit", methods=["GET", "POST"])
@permission_required("vets.manage")
def edit(vet_id):
    """Change a vet's names, specialties and whether they take bookings."""
    vet = vet_with_specialties(vet_id)
    form = VetForm(obj=vet)
    if request.method == "GET":
        form.specialty_ids.data = [s.id for s in vet.specialties]
    if form.validate_on_submit():
        try:
            with saving(vet, form.version.data):
                update_vet(vet, form.first_name.data, form.last_name.data,
                           form.specialty_ids.data, form.active.data)
        except ChangedMeanwhile:
            vet, saved = refuse_stale_form(form, lambda: vet_with_specialties(vet_id), VET_LABELS)
            return render_template("vets/form.html", form=form, vet=vet, saved=saved), 409
        db.session.commit()
        flash(_("Vet %(name)s updated.", name=vet.full_name), "success")
        return redirect(url_for("vets.detail", vet_id=vet.id))
    return render_template("vets/form.html", form=form, vet=vet)


@bp.route("/<int:vet_id>/delete", methods=["GET", "POST"])
@permission_required("vets.manage")
def delete(vet_id):
    """Confirm, then delete a vet who has no records; one with records is to be deactivated
    instead."""
    vet = db.get_or_404(Vet, vet_id)
    if request.method == "GET":
        refusal = (_("%(name)s has appointments or visits, so cannot be deleted: untick "
                     "“Takes bookings” on the vet's page instead.", name=vet.full_name)
                   if vet_has_records(vet.id) else None)
        return confirmation_page(
            _("Delete %(name)s?", name=vet.full_name), _("Delete %(name)s", name=vet.full_name),
            url_for("vets.edit", vet_id=vet.id),
            [_("Their specialties, rota, absences, calendar feed and the link to any staff "
               "account go with them.")], refusal=refusal)
    name = vet.full_name
    try:
        delete_vet(vet)
    except VetInUse as refusal:
        flash(str(refusal), "danger")
        return redirect(url_for("vets.edit", vet_id=vet_id))
    db.session.commit()
    flash(_("Vet %(name)s deleted.", name=name), "success")
    return redirect(url_for("vets.index"))
