"""Find the next free slots for a pet: by appointment type and vet (or any vet able to do it)."""

from datetime import datetime, time

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from app.appointments.forms import DURATION_RULE
from app.appointments.free_slots import candidate_vets, next_free_slots
from app.appointments.routes import not_bookable
from app.auth.permissions import permission_required
from app.clinic import clinic_now, clinic_today
from app.extensions import db
from app.forms import PageForm, WholeNumberRange
from app.i18n import _, _l
from app.models import Appointment, AppointmentType
from app.pets.profile import booking_refusal
from app.pets.services import pet_with_owner
from app.routing import MAX_ID
from app.validation import max_length, printable, strip
from app.vets.forms import vet_choices

bp = Blueprint("free_slots", __name__)

ANY_VET = 0
ANY_TYPE = 0


class FreeSlotSearch(PageForm):
    """What to look for: a type (its length and specialty), a vet or any, from a day."""

    class Meta:
        csrf = False  # a GET search; booking a slot posts the booking form with its token

    type_id = SelectField(_l("Appointment type"), coerce=int, default=ANY_TYPE,
                          validate_choice=False,
                          validators=[Optional(), WholeNumberRange(0, MAX_ID, _l("Choose a type."))])
    vet_id = SelectField(_l("Vet"), coerce=int, default=ANY_VET, validate_choice=False,
                         validators=[Optional(), WholeNumberRange(0, MAX_ID, _l("Choose a vet."))])
    duration_minutes = IntegerField(_l("Duration (minutes)"),
                                    validators=[Optional(), DURATION_RULE])
    starting = DateField(_l("From"), validators=[Optional()])
    reason = StringField(
        _l("Reason"),
        filters=[strip],
        validators=[InputRequired(_l("Say what the appointment is for.")),
                    Length(max=max_length(Appointment.reason)), printable],
    )

    def __init__(self, *args, types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.type_id.choices = [(ANY_TYPE, "—")] + [(t.id, t.name) for t in types]
        self.vet_id.choices = [(ANY_VET, _("Any vet"))] + vet_choices()


@bp.get("/owners/<int:owner_id>/pets/<int:pet_id>/appointments/free")
@permission_required("appointments.book")
def find(owner_id, pet_id):
    """The search form and, once asked, the next ten free slots, each booked with one click."""
    pet = pet_with_owner(owner_id, pet_id) or abort(404)
    if (refusal := booking_refusal(pet)) is not None:
        return not_bookable(pet, refusal)
    types = db.session.scalars(sa.select(AppointmentType).order_by(AppointmentType.name)).all()
    form = FreeSlotSearch(request.args, types=types)
    slots, chosen_type, asked = [], None, "reason" in request.args
    if asked and form.validate():
        chosen_type = next((t for t in types if t.id == form.type_id.data), None)
        if form.type_id.data and chosen_type is None:
            form.type_id.errors.append(_("That appointment type does not exist."))
        else:
            slots = search(form, chosen_type, pet.id)
    return render_template(
        "appointments/free.html", form=form, pet=pet, slots=slots, asked=asked,
        chosen_type=chosen_type, minutes=minutes_of(form, chosen_type),
    )


def minutes_of(form, chosen_type):
    """The length to look for: as typed, else the type's, else half an hour."""
    if form.duration_minutes.data:
        return form.duration_minutes.data
    return chosen_type.duration_minutes if chosen_type else 30


def search(form, chosen_type, pet_id):
    """The free slots the form asks for."""
    starting = form.starting.data
    start = clinic_now() if not starting or starting <= clinic_today() else (
        datetime.combine(starting, time.min)
    )
    vets = candidate_vets(
        vet_id=form.vet_id.data or None,
        specialty_id=chosen_type.specialty_id if chosen_type else None,
    )
    return next_free_slots(vets, minutes_of(form, chosen_type), start, pet_id=pet_id)
