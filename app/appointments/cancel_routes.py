"""The confirmation before cancelling an appointment (the cancel itself is
appointments.transition's POST, unchanged)."""

from flask import Blueprint, flash, redirect, request, url_for

from app.appointments.routes import appointment_or_404
from app.auth.permissions import permission_required
from app.clinic import clinic_now
from app.confirmation import confirmation_page
from app.i18n import _, ngettext, short_day
from app.models import AppointmentStatus
from app.working_time.calendar import hhmm

bp = Blueprint("cancellation", __name__, url_prefix="/appointments")


@bp.get("/<int:appointment_id>/cancel")
@permission_required("appointments.book")
def confirm(appointment_id):
    """"Cancel Max's appointment on ... with ...?", or why it cannot be cancelled."""
    appointment = appointment_or_404(appointment_id)
    page = url_for("appointments.detail", appointment_id=appointment.id)
    refusal = appointment.refusal(AppointmentStatus.CANCELLED, clinic_now())
    if refusal:
        flash(refusal, "danger")
        return redirect(page)
    back_to_day = request.args.get("back_to") == "day"
    back = (url_for("appointments.day", date=appointment.starts_at.date().isoformat())
            if back_to_day else page)
    pet = appointment.pet
    question = _("Cancel %(pet)s's appointment on %(day)s at %(time)s with %(vet)s?",
                 pet=pet.name, day=short_day(appointment.starts_at),
                 time=hhmm(appointment.starts_at), vet=appointment.vet.full_name)
    details = [ngettext("%(pet)s (%(owner)s): %(reason)s, %(num)d minute.",
                        "%(pet)s (%(owner)s): %(reason)s, %(num)d minutes.",
                        appointment.duration_minutes,
                        pet=pet.name, owner=pet.owner.full_name, reason=appointment.reason),
               _("The time is freed for other bookings; the appointment stays in the history "
                 "as cancelled.")]
    return confirmation_page(question, _("Cancel the appointment"), back, details,
                             fields={"back_to": "day"} if back_to_day else None)
