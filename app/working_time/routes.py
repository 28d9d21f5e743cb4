"""Working-time pages: the clinic's hours and closures, each vet's rota and absences, and
the appointments a change has left outside working time, to rebook."""

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from app.audit_log.readable import readable
from app.auth.permissions import can, permission_required
from app.clinic import clinic_today
from app.confirmation import confirmation_page
from app.extensions import db
from app.i18n import _, day_and_time, ngettext, weekday
from app.i18n import day as day_text
from app.models import Absence, AuditEntry, ClinicClosure, OpeningHours, Vet
from app.working_time.calendar import clinic_hours
from app.working_time.forms import AbsenceForm, ClosureForm, OpeningHoursForm, RotaForm
from app.working_time.services import (
    WorkingTimeRefused,
    absences_of,
    add_absence,
    add_closure,
    clear_rota,
    effective_week,
    remove_absence,
    remove_closure,
    set_clinic_hours,
    set_rota,
    to_rebook,
    vet_week,
)

bp = Blueprint("working_time", __name__, url_prefix="/working-time")

CLINIC_TRAIL = ("clinic_hours", "closure")
PAST_CLOSURES_SHOWN = 20


def trail_of(kinds, entity_id=None, known=()):
    """The newest audit entries of these kinds (of one record id), for administrators, in
    words (``known``: the vet the page shows)."""
    if not can("audit.view"):
        return None
    query = sa.select(AuditEntry).where(AuditEntry.entity_type.in_(kinds))
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == entity_id)
    return readable(db.session.scalars(
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(50)
    ).all(), known)


def saved(message, **scope):
    """Commit, then show what the change left to rebook (if anything), else go back."""
    db.session.commit()
    left = to_rebook(**scope)
    if left:
        flash(ngettext("%(done)s %(num)d scheduled appointment now falls outside working time: "
                       "rebook it.",
                       "%(done)s %(num)d scheduled appointments now fall outside working time: "
                       "rebook them.", len(left), done=message), "warning")
        args = {"vet": scope["vet_ids"][0]} if scope.get("vet_ids") else {}
        if scope.get("first_day"):
            args["from"] = scope["first_day"].isoformat()
        if scope.get("last_day"):
            args["to"] = scope["last_day"].isoformat()
        return redirect(url_for("working_time.rebook", **args))
    flash(message, "success")
    return None


def clinic_page(hours_form=None, closure_form=None):
    """The clinic's week and closures, with any form that was just refused."""
    today = clinic_today()
    if hours_form is None:
        hours_form = OpeningHoursForm(formdata=None)
        hours_form.fill(clinic_hours())
    closures = db.session.scalars(sa.select(ClinicClosure).order_by(ClinicClosure.day)).all()
    past = [c for c in closures if c.day < today][-PAST_CLOSURES_SHOWN:]
    return render_template(
        "working_time/clinic.html",
        hours_form=hours_form,
        closure_form=closure_form or ClosureForm(formdata=None),
        hours_set=db.session.scalar(sa.select(sa.func.count()).select_from(OpeningHours)) > 0,
        upcoming=[c for c in closures if c.day >= today],
        past=list(reversed(past)),
        trail=trail_of(CLINIC_TRAIL),
    )


@bp.get("")
@permission_required("vets.view")
def clinic():
    """The clinic's opening hours per weekday and its closures."""
    return clinic_page()


@bp.post("/hours")
@permission_required("schedule.manage")
def hours():
    """Save the clinic's week (all seven days)."""
    form = OpeningHoursForm()
    if not form.validate_on_submit():
        return clinic_page(hours_form=form)
    set_clinic_hours(form.week())
    return saved(_("Opening hours saved.")) or redirect(url_for("working_time.clinic"))


@bp.post("/closures")
@permission_required("schedule.manage")
def new_closure():
    """Close the clinic for a day."""
    form = ClosureForm()
    if form.validate_on_submit():
        try:
            closure = add_closure(form.day.data, form.reason.data)
        except WorkingTimeRefused as refusal:
            form[refusal.field].errors.append(str(refusal))
        else:
            message = _("The clinic is closed on %(day)s (%(reason)s).", day=day_text(closure.day),
                        reason=closure.reason)
            return saved(message, first_day=closure.day, last_day=closure.day) or redirect(
                url_for("working_time.clinic")
            )
    return clinic_page(closure_form=form)


@bp.route("/closures/<day>/remove", methods=["GET", "POST"])
@permission_required("schedule.manage")
def delete_closure(day):
    """Confirm, then open the clinic again on a day that was closed."""
    if request.method == "GET":
        closure = db.session.get(ClinicClosure, parse_day(day)) or abort(404)
        return confirmation_page(
            _("Open the clinic again on %(weekday)s %(day)s (%(reason)s)?",
              weekday=weekday(closure.day), day=day_text(closure.day), reason=closure.reason),
            _("Remove the closure"), url_for("working_time.clinic"),
            [_("That day can be booked again, within its weekday's opening hours.")])
    closure = remove_closure(parse_day(day)) or abort(404)
    db.session.commit()
    flash(_("The clinic is open again on %(day)s.", day=day_text(closure.day)), "success")
    return redirect(url_for("working_time.clinic"))


def parse_day(raw):
    """A YYYY-MM-DD day from the URL or the query string; a 404 for anything else."""
    try:
        return date.fromisoformat(raw)
    except (TypeError, ValueError):
        abort(404, description=_("The date must be written as YYYY-MM-DD."))


def vet_page(vet, rota_form=None, absence_form=None):
    """A vet's rota and absences, with any form that was just refused."""
    rota = vet_week(vet.id)
    if rota_form is None:
        rota_form = RotaForm(formdata=None)
        rota_form.fill(effective_week(vet.id))
    return render_template(
        "working_time/vet.html",
        vet=vet,
        rota=rota,
        rota_form=rota_form,
        absence_form=absence_form or AbsenceForm(formdata=None),
        absences=absences_of([vet.id]),
        trail=trail_of(("rota", "absence"), vet.id, known=[vet]),
    )


@bp.get("/vets/<int:vet_id>")
@permission_required("vets.view")
def vet(vet_id):
    """A vet's weekly rota and their absences."""
    return vet_page(db.get_or_404(Vet, vet_id))


@bp.post("/vets/<int:vet_id>/rota")
@permission_required("schedule.manage")
def rota(vet_id):
    """Save a vet's weekly rota."""
    vet = db.get_or_404(Vet, vet_id)
    form = RotaForm()
    if not form.validate_on_submit():
        return vet_page(vet, rota_form=form)
    set_rota(vet, form.week())
    return saved(_("%(vet)s's rota saved.", vet=vet.full_name), vet_ids=[vet.id]) or back_to(vet)


@bp.route("/vets/<int:vet_id>/rota/clear", methods=["GET", "POST"])
@permission_required("schedule.manage")
def rota_clear(vet_id):
    """Confirm, then remove a vet's rota: they work whenever the clinic is open."""
    vet = db.get_or_404(Vet, vet_id)
    if request.method == "GET":
        days = len(vet_week(vet.id))
        return confirmation_page(
            _("Remove %(vet)s's rota?", vet=vet.full_name), _("Remove the rota"),
            url_for("working_time.vet", vet_id=vet.id),
            # The English singular is as it was (tests/test_confirmations.py compares it).
            [ngettext("Its %(num)d working day go; %(vet)s then works whenever the clinic is "
                      "open.",
                      "Its %(num)d working days go; %(vet)s then works whenever the clinic is "
                      "open.", days, vet=vet.full_name)],
            refusal=None if days else _("%(vet)s has no rota: they work the clinic's hours.",
                                        vet=vet.full_name))
    clear_rota(vet)
    message = _("%(vet)s has no rota now: they work the clinic's hours.", vet=vet.full_name)
    return saved(message, vet_ids=[vet.id]) or back_to(vet)


@bp.post("/vets/<int:vet_id>/absences")
@permission_required("schedule.manage")
def new_absence(vet_id):
    """Record an absence of a vet."""
    vet = db.get_or_404(Vet, vet_id)
    form = AbsenceForm()
    if form.validate_on_submit():
        starts_at, ends_at = form.span()
        try:
            absence = add_absence(vet, starts_at, ends_at, form.reason.data)
        except WorkingTimeRefused as refusal:
            form[refusal.field].errors.append(str(refusal))
        else:
            message = _("%(vet)s's absence (%(reason)s) recorded.", vet=vet.full_name,
                        reason=absence.reason)
            return saved(message, vet_ids=[vet.id], first_day=starts_at.date(),
                         last_day=ends_at.date()) or back_to(vet)
    return vet_page(vet, absence_form=form)


@bp.route("/vets/<int:vet_id>/absences/<int:absence_id>/remove", methods=["GET", "POST"])
@permission_required("schedule.manage")
def delete_absence(vet_id, absence_id):
    """Confirm, then remove an absence: the vet can be booked in that time again."""
    absence = db.session.get(Absence, absence_id)
    if absence is None or absence.vet_id != vet_id:
        abort(404)
    if request.method == "GET":
        vet = db.session.get(Vet, vet_id)
        return confirmation_page(
            _("Remove %(vet)s's absence from %(starts)s until %(ends)s (%(reason)s)?",
              vet=vet.full_name, starts=day_and_time(absence.starts_at),
              ends=day_and_time(absence.ends_at), reason=absence.reason),
            _("Remove the absence"), url_for("working_time.vet", vet_id=vet_id),
            [_("%(vet)s can be booked in that time again.", vet=vet.full_name)])
    remove_absence(absence)
    db.session.commit()
    flash(_("Absence (%(reason)s) removed.", reason=absence.reason), "success")
    return redirect(url_for("working_time.vet", vet_id=vet_id))


def back_to(vet):
    """Back to the vet's working-time page."""
    return redirect(url_for("working_time.vet", vet_id=vet.id))


@bp.get("/to-rebook")
@permission_required("appointments.view")
def rebook():
    """Scheduled appointments outside working time (?vet=ID&from=&to= narrow the list)."""
    vet_row = None
    if (vet_id := request.args.get("vet")) is not None:
        if not vet_id.isdigit() or len(vet_id) > 9:
            abort(404)
        vet_row = db.get_or_404(Vet, int(vet_id))
    first_day = parse_day(request.args["from"]) if "from" in request.args else None
    last_day = parse_day(request.args["to"]) if "to" in request.args else None
    left = to_rebook(vet_ids=[vet_row.id] if vet_row else None,
                     first_day=first_day, last_day=last_day)
    return render_template("working_time/to_rebook.html", left=left, vet=vet_row,
                           first_day=first_day, last_day=last_day)
