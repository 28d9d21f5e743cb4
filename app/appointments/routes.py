"""Appointment pages: book from a pet, the day sheet, one appointment, reschedule,
status changes, and completion with an optional follow-up."""

from datetime import date, datetime, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from app.appointments.forms import AppointmentForm, CompleteForm
from app.appointments.prefill import prefill_booking_form
from app.appointments.schedule import (
    appointment_options,
    appointment_page_options,
    day_sheet,
    day_sheet_row_options,
    day_sheet_vets,
    has_day_sheet,
)
from app.appointments.services import (
    BookingRefused,
    IllegalTransition,
    book_appointment,
    change_status,
    complete_appointment,
    reschedule,
)
from app.audit import trail_for
from app.auth.permissions import can, permission_required
from app.clinic import clinic_now, clinic_today
from app.concurrency import ChangedMeanwhile, refuse_stale_form, saving
from app.extensions import db
from app.i18n import _, _l, day_and_time
from app.i18n import day as day_text
from app.models import Appointment, AppointmentStatus
from app.pagination import page_number
from app.pets.profile import booking_refusal
from app.pets.services import pet_with_owner
from app.reminders.due import pet_due_soon
from app.vaccinations.services import VaccinationRefused
from app.weights.forms import CheckInForm
from app.weights.services import WeightRefused, record_weight
from app.working_time.calendar import hhmm

bp = Blueprint("appointments", __name__)

# Built once: loader options are immutable and hold no session.
DAY_SHEET_ROWS = day_sheet_row_options()

# What a desk sees of an appointment changed by someone else meanwhile.
APPOINTMENT_LABELS = {
    _l("Type"): lambda a: a.type.name if a.type else _("none"),
    _l("Vet"): lambda a: a.vet.full_name,
    _l("Starts"): lambda a: day_and_time(a.starts_at),
    _l("Duration (minutes)"): "duration_minutes",
    _l("Reason"): "reason",
    _l("Status"): lambda a: a.status.word,
}

# The status actions offered as POST buttons: URL word → (status, the message once done,
# with the pet's name for %(pet)s).
ACTIONS = {
    "check-in": (AppointmentStatus.CHECKED_IN, _l("%(pet)s's appointment checked in.")),
    "cancel": (AppointmentStatus.CANCELLED, _l("%(pet)s's appointment cancelled.")),
    "no-show": (AppointmentStatus.NO_SHOW, _l("%(pet)s's appointment marked as a no-show.")),
}


def appointment_or_404(appointment_id):
    """The appointment with pet, owner and vet loaded."""
    return db.get_or_404(Appointment, appointment_id, options=appointment_options())


def booking_fields(form):
    """Service arguments from a valid booking form."""
    return {
        "vet_id": form.vet_id.data,
        "starts_at": datetime.combine(form.date.data, form.start_time.data),
        "duration": form.duration_minutes.data,
        "reason": form.reason.data,
        "type_id": form.type_id.data,
    }


@bp.route("/owners/<int:owner_id>/pets/<int:pet_id>/appointments/new", methods=["GET", "POST"])
@permission_required("appointments.book")
def book(owner_id, pet_id):
    """Book an appointment for a pet."""
    pet = pet_with_owner(owner_id, pet_id) or abort(404)
    if (refusal := booking_refusal(pet)) is not None:
        return not_bookable(pet, refusal)
    form = AppointmentForm()
    if form.validate_on_submit():
        try:
            appointment = book_appointment(pet.id, **booking_fields(form))
        except BookingRefused as refusal:
            if refusal.field not in form:  # the pet itself (recorded as deceased meanwhile)
                return not_bookable(pet, str(refusal))
            form[refusal.field].errors.append(str(refusal))
        else:
            db.session.commit()
            flash(_("Booked %(pet)s on %(day)s at %(time)s.", pet=pet.name,
                    day=day_text(appointment.starts_at), time=hhmm(appointment.starts_at)),
                  "success")
            return redirect(url_for("owners.detail", owner_id=owner_id))
    if request.method == "GET":
        form.date.data = clinic_today() + timedelta(days=1)
        prefill_booking_form(form, request.args)  # a free slot, a type, a reminder's reason
    return render_template("appointments/book.html", form=form, pet=pet,
                           due=pet_due_soon(pet.id, clinic_today()))


def not_bookable(pet, reason):
    """A pet that cannot be booked: the owner's page, saying why (no form to fill in)."""
    flash(reason, "danger")
    return redirect(url_for("owners.detail", owner_id=pet.owner_id, _anchor=f"pet-{pet.id}"))


def day_from_args():
    """The ?date= day (today when absent); a 404 for something that is not a date."""
    raw = request.args.get("date")
    if not raw:
        return clinic_today()
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        abort(404, description=_("The date must be written as YYYY-MM-DD."))
    if not has_day_sheet(day):
        abort(404, description=_("There is no day sheet for that date."))
    return day


@bp.get("/appointments")
@permission_required("appointments.view")
def day():
    """The day sheet: every vet's appointments of one day, a page of vets at a time."""
    sheet_day = day_from_args()
    # A page of vets, not all of them: a clinic ten times the size has ten times the vets,
    # and one page of all their appointments would grow with it.
    page = db.paginate(
        day_sheet_vets(sheet_day), page=page_number(), per_page=current_app.config["PAGE_SIZE"]
    )
    by_vet = {vet.id: [] for vet in page.items}
    names = {vet.id: vet.full_name for vet in page.items}
    for appointment in day_sheet(sheet_day, vet_ids=list(by_vet), options=DAY_SHEET_ROWS):
        by_vet[appointment.vet_id].append(appointment)
    return render_template(
        "appointments/day.html",
        day=sheet_day,
        page=page,
        by_vet=by_vet,
        names=names,
        previous=sheet_day - timedelta(days=1),
        following=sheet_day + timedelta(days=1),
        actions=ACTIONS,
    )


@bp.get("/appointments/<int:appointment_id>")
@permission_required("appointments.view")
def detail(appointment_id):
    """One appointment, with what can be done to it and the follow-up chain both ways."""
    return detail_page(page_appointment_or_404(appointment_id), CheckInForm())


def page_appointment_or_404(appointment_id):
    """The appointment loaded for its page: pet, owner, vet, type and the follow-up chain."""
    # Fresh: a POST that re-shows the page has the appointment loaded without the chain.
    return db.get_or_404(Appointment, appointment_id, options=appointment_page_options(),
                         populate_existing=True)


def detail_page(appointment, check_in_form):
    """The appointment's page, with the check-in-with-weight form as given."""
    trail = (trail_for(("appointment", [appointment.id]), known=[appointment])
             if can("audit.view") else None)
    return render_template("appointments/detail.html", appointment=appointment, actions=ACTIONS,
                           trail=trail, check_in_form=check_in_form)


@bp.route("/appointments/<int:appointment_id>/edit", methods=["GET", "POST"])
@permission_required("appointments.book")
def edit(appointment_id):
    """Reschedule: another vet, time, duration or reason, under the booking rules."""
    appointment = appointment_or_404(appointment_id)
    form = AppointmentForm(current_vet_id=appointment.vet_id)
    if request.method == "GET":
        form.vet_id.data = appointment.vet_id
        form.date.data = appointment.starts_at.date()
        form.start_time.data = appointment.starts_at.time()
        form.duration_minutes.data = appointment.duration_minutes
        form.reason.data = appointment.reason
        form.type_id.data = appointment.type_id
        form.version.data = appointment.version
    elif form.validate_on_submit():
        try:
            with saving(appointment, form.version.data):
                reschedule(appointment, **booking_fields(form))
        except BookingRefused as refusal:
            form[refusal.field].errors.append(str(refusal))
        except ChangedMeanwhile:
            appointment, saved = refuse_stale_form(
                form, lambda: appointment_or_404(appointment_id), APPOINTMENT_LABELS
            )
            form.submit.label.text = _("Save changes")
            return render_template("appointments/edit.html", form=form,
                                   appointment=appointment, saved=saved), 409
        else:
            db.session.commit()
            flash(_("Appointment changed."), "success")
            return redirect(url_for("appointments.detail", appointment_id=appointment.id))
    form.submit.label.text = _("Save changes")
    return render_template("appointments/edit.html", form=form, appointment=appointment)


@bp.post("/appointments/<int:appointment_id>/<any('check-in', 'cancel', 'no-show'):action>")
@permission_required("appointments.book")
def transition(appointment_id, action):
    """Check in, cancel or mark a no-show, if the appointment's status allows it."""
    appointment = appointment_or_404(appointment_id)
    status, done = ACTIONS[action]
    # A check-in may bring the weight taken at the desk; a bad one checks nothing in.
    check_in = CheckInForm() if action == "check-in" else None
    if check_in is not None and not check_in.validate():
        return detail_page(page_appointment_or_404(appointment_id), check_in)
    try:
        change_status(appointment, status)
        if check_in is not None and check_in.kilograms.data is not None:
            record_weight(appointment.pet_id, check_in.kilograms.data,
                          appointment.starts_at.date(), appointment_id=appointment.id)
    except IllegalTransition as refusal:
        flash(str(refusal), "danger")
    except WeightRefused as refusal:
        db.session.rollback()
        check_in.kilograms.errors.append(str(refusal))
        return detail_page(page_appointment_or_404(appointment_id), check_in)
    else:
        db.session.commit()
        flash(done % {"pet": appointment.pet.name}, "success")
    if request.form.get("back_to") == "day":
        return redirect(url_for("appointments.day", date=appointment.starts_at.date().isoformat()))
    return redirect(url_for("appointments.detail", appointment_id=appointment.id))


@bp.route("/appointments/<int:appointment_id>/complete", methods=["GET", "POST"])
@permission_required("appointments.complete")
def complete(appointment_id):
    """Write the visit of a checked-in appointment, with an optional follow-up booking."""
    appointment = appointment_or_404(appointment_id)
    refusal = appointment.refusal(AppointmentStatus.COMPLETED, clinic_now())
    if refusal:
        if appointment.status is not AppointmentStatus.CHECKED_IN:
            refusal = _("Only a checked-in appointment can be completed; this one is %(status)s.",
                        status=appointment.status.word)
        flash(refusal, "danger")
        return redirect(url_for("appointments.detail", appointment_id=appointment.id))
    form = CompleteForm(pet_type_id=appointment.pet.type_id)
    if request.method == "GET":
        form.follow_up_vet_id.data = appointment.vet_id
        if appointment.type is not None:  # the follow-up keeps the type
            form.follow_up_minutes.data = appointment.type.duration_minutes
    if form.validate_on_submit():
        follow_up, problem = None, None
        if form.follow_up.data:
            problem = form.follow_up_problem()
            if problem is None:
                follow_up = {
                    "vet_id": form.follow_up_vet_id.data,
                    "starts_at": datetime.combine(form.follow_up_date.data, form.follow_up_time.data),
                    "duration": form.follow_up_minutes.data,
                }
        try:
            visit, booked, refused = complete_appointment(
                appointment, form.description.data, follow_up, form.vaccination()
            )
            if form.kilograms.data is not None:
                record_weight(appointment.pet_id, form.kilograms.data, visit.date,
                              visit_id=visit.id, appointment_id=appointment.id)
        except IllegalTransition as refusal:  # completed (or changed) by another desk meanwhile
            flash(str(refusal), "danger")
            return redirect(url_for("appointments.detail", appointment_id=appointment.id))
        except VaccinationRefused as refusal:  # checked before anything was written
            field = refusal.field if refusal.field in form else "vaccine_type_id"
            form[field].errors.append(str(refusal))
            return _completion_page(form, appointment)
        db.session.commit()
        flash(_("%(pet)s's appointment completed and the visit recorded.",
                pet=appointment.pet.name), "success")
        if booked is not None:
            flash(_("Follow-up booked on %(day)s at %(time)s.", day=day_text(booked.starts_at),
                    time=hhmm(booked.starts_at)), "success")
        if problem or refused:
            flash(_("The follow-up was NOT booked. %(why)s", why=problem or refused), "warning")
        return redirect(url_for("appointments.detail", appointment_id=appointment.id))
    return _completion_page(form, appointment)


def _completion_page(form, appointment):
    """The completion form, with the pet's due and overdue vaccinations beside it."""
    due = pet_due_soon(appointment.pet_id, clinic_today())
    return render_template("appointments/complete.html", form=form, appointment=appointment,
                           due=due)
