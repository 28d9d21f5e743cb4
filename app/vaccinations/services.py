"""Recording vaccinations: the rules the pet's page, the completion form, the API share."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.clinic import clinic_today
from app.extensions import db
from app.i18n import _, day, ngettext
from app.models import Vaccination, VaccineType, Vet
from app.models.vaccination import MAX_INTERVAL_MONTHS
from app.vaccinations.due_dates import add_months, next_due_on
from app.validation import FieldRefusal, has_control_characters, max_length


class VaccinationRefused(FieldRefusal):
    """A vaccination breaks a rule; ``field`` names the form field to blame."""

    field = "vaccine_type_id"


def _vaccine_for(pet, vaccine_type_id):
    """The vaccine type, if it exists and applies to the pet's species; else VaccinationRefused."""
    vaccine = db.session.get(
        VaccineType, vaccine_type_id, options=[selectinload(VaccineType.species)]
    )
    if vaccine is None:
        raise VaccinationRefused(_("That vaccine type does not exist."))
    if not vaccine.applies_to(pet.type_id):
        kinds = ", ".join(kind.name for kind in vaccine.species) or _("no species")
        raise VaccinationRefused(_("%(vaccine)s is for %(kinds)s, not for %(type)s.",
                                   vaccine=vaccine.name, kinds=kinds, type=pet.type.name))
    return vaccine


def _clean_batch(batch):
    """The batch (lot) number as stored; VaccinationRefused when missing or unusable."""
    batch = (batch or "").strip()
    longest = max_length(Vaccination.batch)
    if not batch:
        raise VaccinationRefused(_("Enter the batch (lot) number from the vial."), field="batch")
    if len(batch) > longest or has_control_characters(batch):
        raise VaccinationRefused(
            _("A batch number is 1 to %(num)d printable characters.", num=longest), field="batch"
        )
    return batch


def check_due_date(given_on, due):
    """VaccinationRefused unless ``due`` is after the dose and within MAX_INTERVAL_MONTHS."""
    if due <= given_on:
        raise VaccinationRefused(_("The next dose is due after this one."), field="next_due_on")
    if due > add_months(given_on, MAX_INTERVAL_MONTHS):
        raise VaccinationRefused(
            ngettext("The next dose is due within %(num)d year.",
                     "The next dose is due within %(num)d years.", MAX_INTERVAL_MONTHS // 12),
            field="next_due_on",
        )


def correct_due_date(dose, due):
    """Move a recorded dose's next due date (the reminder follows it); VaccinationRefused if not."""
    check_due_date(dose.given_on, due)
    dose.next_due_on = due
    db.session.flush()
    return dose


def prepare_vaccination(pet, vaccine_type_id, given_on, batch, vet_id=None, next_due=None,
                        visit_id=None):
    """A checked, unsaved Vaccination of a pet (type and owner loaded); VaccinationRefused if not.

    The next due date defaults to the vaccine's interval after the dose (calendar months).
    """
    vaccine = _vaccine_for(pet, vaccine_type_id)
    batch = _clean_batch(batch)
    if given_on > clinic_today():
        raise VaccinationRefused(_("A vaccination cannot be in the future."), field="given_on")
    if given_on < pet.birth_date:
        raise VaccinationRefused(
            _("%(pet)s was born on %(day)s, after that date.", pet=pet.name,
              day=day(pet.birth_date)), field="given_on"
        )
    due = next_due if next_due is not None else next_due_on(given_on, vaccine.interval_months)
    check_due_date(given_on, due)
    if vet_id is not None and db.session.get(Vet, vet_id) is None:
        raise VaccinationRefused(_("That vet does not exist."), field="vet_id")
    # By id, not through the relationship: the vaccine is in the session and this dose is
    # not yet (a backref would try to flush it early). It is set as loaded, for the caller.
    dose = Vaccination(
        pet_id=pet.id, vaccine_type_id=vaccine.id, given_on=given_on, batch=batch, vet_id=vet_id,
        visit_id=visit_id, next_due_on=due,
    )
    set_committed_value(dose, "vaccine_type", vaccine)
    return dose


def record_vaccination(pet, vaccine_type_id, given_on, batch, vet_id=None, next_due=None,
                       visit_id=None):
    """Record a dose given to a pet; VaccinationRefused when a rule says no."""
    vaccination = prepare_vaccination(
        pet, vaccine_type_id, given_on, batch, vet_id, next_due, visit_id
    )
    db.session.add(vaccination)
    db.session.flush()
    return vaccination


def pet_vaccinations(pet_id):
    """The pet's vaccinations, newest first, with their type and vet."""
    return db.session.scalars(
        sa.select(Vaccination)
        .options(joinedload(Vaccination.vaccine_type), joinedload(Vaccination.vet))
        .where(Vaccination.pet_id == pet_id)
        .order_by(Vaccination.given_on.desc(), Vaccination.id.desc())
    ).all()
