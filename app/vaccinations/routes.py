"""A pet's vaccinations: the history, what is due next, recording a dose; its printed record."""

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.auth.permissions import can, permission_required
from app.clinic import clinic_today
from app.extensions import db
from app.i18n import _, day
from app.models import Vaccination, Visit
from app.pets.services import pet_with_owner
from app.vaccinations.forms import NO_CHOICE, DueDateForm, VaccinationForm
from app.vaccinations.section import vaccination_section
from app.vaccinations.services import VaccinationRefused, correct_due_date, record_vaccination

bp = Blueprint("vaccinations", __name__, url_prefix="/owners/<int:owner_id>/pets/<int:pet_id>")


def pet_or_404(owner_id, pet_id):
    """The owner's pet with its owner and type loaded; 404 when there is none."""
    return pet_with_owner(owner_id, pet_id) or abort(404)


@bp.route("/vaccinations", methods=["GET", "POST"])
@permission_required("owners.view")
def index(owner_id, pet_id):
    """The pet's vaccination history and next doses; vets record a dose here."""
    pet = pet_or_404(owner_id, pet_id)
    form = VaccinationForm(pet_type_id=pet.type_id)
    if request.method == "POST":
        if not can("vaccinations.record"):
            abort(403, description=_("Your role does not allow this. Ask an administrator."))
        if form.validate_on_submit():
            try:
                dose = record_vaccination(
                    pet, form.vaccine_type_id.data, form.given_on.data, form.batch.data,
                    vet_id=form.vet_id.data or None, next_due=form.next_due_on.data,
                )
            except VaccinationRefused as refusal:
                form[refusal.field].errors.append(str(refusal))
            else:
                db.session.commit()
                flash(_("%(vaccine)s recorded for %(pet)s; next due %(day)s.",
                        vaccine=dose.vaccine_type.name, pet=pet.name, day=day(dose.next_due_on)),
                      "success")
                return redirect(url_for("vaccinations.index", owner_id=owner_id, pet_id=pet_id))
    elif request.method == "GET":
        form.given_on.data = clinic_today()
        form.vet_id.data = current_user.vet_id or NO_CHOICE
    section = vaccination_section(pet, clinic_today())
    status = 400 if form.errors else 200
    return render_template("vaccinations/index.html", pet=pet, form=form,
                           section=section), status


@bp.route("/vaccinations/<int:vaccination_id>/due", methods=["GET", "POST"])
@permission_required("vaccinations.record")
def due_date(owner_id, pet_id, vaccination_id):
    """Correct when a recorded dose's next one is due; its reminder moves with it."""
    pet = pet_or_404(owner_id, pet_id)
    dose = db.session.scalar(
        sa.select(Vaccination).options(joinedload(Vaccination.vaccine_type))
        .where(Vaccination.id == vaccination_id, Vaccination.pet_id == pet.id)
    ) or abort(404)
    form = DueDateForm(next_due_on=dose.next_due_on)
    if form.validate_on_submit():
        try:
            correct_due_date(dose, form.next_due_on.data)
        except VaccinationRefused as refusal:
            form.next_due_on.errors.append(str(refusal))
        else:
            db.session.commit()
            flash(_("%(vaccine)s for %(pet)s is now due %(day)s.", vaccine=dose.vaccine_type.name,
                    pet=pet.name, day=day(dose.next_due_on)), "success")
            return redirect(url_for("vaccinations.index", owner_id=owner_id, pet_id=pet_id))
    status = 400 if form.errors else 200
    return render_template("vaccinations/due.html", pet=pet, dose=dose, form=form), status


def _clinic():
    """The clinic's name, address and telephone for a printed page."""
    config = current_app.config
    return {"name": config["CLINIC_NAME"], "address": config["CLINIC_ADDRESS"],
            "phone": config["CLINIC_PHONE"]}


@bp.get("/record")
@permission_required("owners.view")
def record(owner_id, pet_id):
    """The pet's record to print: owner, pet, vaccinations with batches, visits."""
    pet = pet_or_404(owner_id, pet_id)
    visits = db.session.scalars(
        sa.select(Visit).options(joinedload(Visit.vet)).where(Visit.pet_id == pet.id)
        .order_by(Visit.date.desc(), Visit.id.desc())
    ).all()
    return render_template("vaccinations/record.html", pet=pet, clinic=_clinic(), visits=visits,
                           section=vaccination_section(pet, clinic_today()),
                           printed_on=clinic_today())


@bp.get("/vaccinations/certificate")
@permission_required("owners.view")
def certificate(owner_id, pet_id):
    """The pet's vaccination certificate to print: every dose with its batch and next due date."""
    pet = pet_or_404(owner_id, pet_id)
    return render_template("vaccinations/certificate.html", pet=pet, clinic=_clinic(),
                           section=vaccination_section(pet, clinic_today()),
                           printed_on=clinic_today())
