"""Why a booking is refused: the errors the booking rules raise, and the appointment type's rule."""

import sqlalchemy as sa

from app.extensions import db
from app.i18n import _
from app.models import AppointmentType, Specialty, vet_specialties
from app.validation import FieldRefusal


class BookingRefused(FieldRefusal):
    """A booking or reschedule breaks a rule; ``field`` names the form field to blame."""

    field = "start_time"


class SlotTaken(BookingRefused):
    """The vet or the pet already has an appointment that overlaps the requested time."""


class IllegalTransition(ValueError):
    """The appointment's status cannot move that way."""


def check_type(vet, type_id):
    """BookingRefused when there is no appointment type ``type_id`` (None: no type), or when
    it needs a specialty the vet does not have."""
    if type_id is None:
        return
    # Columns, not the type's row: the request may hold the type already, without its specialty.
    kind = db.session.execute(
        sa.select(AppointmentType.name, Specialty.name.label("needs"))
        .outerjoin(AppointmentType.specialty)
        .where(AppointmentType.id == type_id)
    ).one_or_none()
    if kind is None:
        raise BookingRefused(_("Choose one of the appointment types."), field="type_id")
    if kind.needs is None:
        return
    names = db.session.scalars(
        sa.select(Specialty.name)
        .join(vet_specialties, vet_specialties.c.specialty_id == Specialty.id)
        .where(vet_specialties.c.vet_id == vet.id)
        .order_by(Specialty.name)
    ).all()
    if kind.needs not in names:
        if names:
            message = _("%(type)s needs a vet with the specialty %(needs)s; %(vet)s has only "
                        "%(specialties)s.", type=kind.name.capitalize(), needs=kind.needs,
                        vet=vet.full_name, specialties=", ".join(names))
        else:
            message = _("%(type)s needs a vet with the specialty %(needs)s; %(vet)s has none.",
                        type=kind.name.capitalize(), needs=kind.needs, vet=vet.full_name)
        raise BookingRefused(message, field="vet_id")
