"""Pet pages under their owner: show, add, edit, delete."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from app.auth.permissions import permission_required
from app.clinic import clinic_now, clinic_today
from app.concurrency import ChangedMeanwhile, refuse_stale_form, saving
from app.confirmation import confirmation_page, counted, in_words
from app.extensions import db
from app.i18n import _, _l, ngettext
from app.models import Owner
from app.owners.choosing import ChooseOwnerForm, candidates
from app.pets.forms import PetForm, refused_pet_form
from app.pets.profile import PROFILE_FIELDS
from app.pets.services import (
    DuplicatePetName,
    add_pet,
    delete_pet,
    pet_page,
    pet_with_owner,
    records_of,
    upcoming_and_history,
    update_pet,
)
from app.pets.transfer import TransferForm, TransferRefused, transfer_pet
from app.vaccinations.section import vaccination_section
from app.validation import FieldRefusal
from app.weights.services import load_weight_history

bp = Blueprint("pets", __name__, url_prefix="/owners/<int:owner_id>/pets")


def owner_pet_or_404(owner_id, pet_id):
    """The pet, only if it belongs to that owner (with its owner and type)."""
    return pet_with_owner(owner_id, pet_id, alerts=False) or abort(404)


# What a desk sees of a pet saved by someone else meanwhile.
PET_LABELS = {
    _l("Name"): "name",
    _l("Birth date"): lambda pet: pet.birth_date.isoformat() if pet.birth_date else None,
    _l("Type"): lambda pet: pet.type.name,
    _l("Sex"): lambda pet: pet.sex.label,
    _l("Neutered"): lambda pet: _("yes") if pet.neutered else _("no"),
    _l("Breed"): "breed",
    _l("Colour"): "colour",
    _l("Microchip"): "microchip",
    _l("Deceased on"): lambda pet: pet.deceased_on.isoformat() if pet.deceased_on else None,
}


@bp.get("/<int:pet_id>")
@permission_required("owners.view")
def detail(owner_id, pet_id):
    """The pet: its details, upcoming appointments, past ones (cancelled and no-shows too)
    and visits."""
    pet = pet_page(owner_id, pet_id) or abort(404)
    today = clinic_today()
    upcoming, history = upcoming_and_history(pet.appointments, today)
    return render_template("pets/detail.html", pet=pet, owner=pet.owner, today=today,
                           upcoming=upcoming, history=history,
                           weight_history=load_weight_history(pet),
                           section=vaccination_section(pet, today))


def pet_fields(form):
    """The pet service's arguments from a valid pet form."""
    fields = {"name": form.name.data, "birth_date": form.birth_date.data,
              "type_id": form.type_id.data}
    return fields | {field: form[field].data for field in PROFILE_FIELDS}


@bp.route("/new", methods=["GET", "POST"])
@permission_required("pets.edit")
def new(owner_id):
    """Add a pet to an owner."""
    owner = db.get_or_404(Owner, owner_id)
    # A first pet refused at registration comes back here filled in (owners.new).
    form = refused_pet_form(request.args) if request.method == "GET" and request.args else PetForm()
    if form.validate_on_submit():
        try:
            pet = add_pet(owner.id, **pet_fields(form))
        except DuplicatePetName as error:
            form.name.errors.append(str(error))
        except FieldRefusal as refusal:  # a microchip taken, perhaps by a request just now
            form[refusal.field].errors.append(str(refusal))
        else:
            db.session.commit()
            flash(_("Pet %(name)s added.", name=pet.name), "success")
            return redirect(url_for("owners.detail", owner_id=owner.id))
    return render_template("pets/form.html", form=form, owner=owner, pet=None)


@bp.route("/<int:pet_id>/edit", methods=["GET", "POST"])
@permission_required("pets.edit")
def edit(owner_id, pet_id):
    """Change a pet's name, birth date, type or profile (sex, microchip, deceased ...)."""
    pet = owner_pet_or_404(owner_id, pet_id)
    owner = pet.owner
    form = PetForm(obj=pet)
    if form.validate_on_submit():
        try:
            with saving(pet, form.version.data):
                update_pet(pet, **pet_fields(form))
        except DuplicatePetName as error:
            form.name.errors.append(str(error))
        except FieldRefusal as refusal:
            form[refusal.field].errors.append(str(refusal))
        except ChangedMeanwhile:
            pet, saved = refuse_stale_form(form, lambda: owner_pet_or_404(owner_id, pet_id),
                                           PET_LABELS)
            return render_template("pets/form.html", form=form, owner=owner, pet=pet,
                                   saved=saved), 409
        else:
            db.session.commit()
            flash(_("Pet %(name)s updated.", name=pet.name), "success")
            return redirect(url_for("owners.detail", owner_id=owner.id))
    return render_template("pets/form.html", form=form, owner=owner, pet=pet)


@bp.route("/<int:pet_id>/delete", methods=["GET", "POST"])
@permission_required("pets.delete")
def delete(owner_id, pet_id):
    """Confirm (saying what goes with it), then delete a pet with all its records."""
    pet = owner_pet_or_404(owner_id, pet_id)
    if request.method == "GET":
        return confirm_deletion(pet)
    name = pet.name
    delete_pet(pet)
    db.session.commit()
    flash(_("Pet %(name)s and its records were deleted.", name=name), "success")
    return redirect(url_for("owners.detail", owner_id=owner_id))


def confirm_deletion(pet):
    """"Delete Max (cat) and its 3 visits, 2 vaccinations and 1 upcoming appointment?"."""
    records = records_of(pet.id, clinic_now())
    visits, vaccinations, upcoming, past, weights, alerts = (
        records[kind] for kind in ("visits", "vaccinations", "upcoming", "past", "weights", "alerts")
    )
    going = in_words([
        counted(visits, ngettext("%(num)d visit", "%(num)d visits", visits)),
        counted(vaccinations,
                ngettext("%(num)d vaccination", "%(num)d vaccinations", vaccinations)),
        counted(upcoming, ngettext("%(num)d upcoming appointment",
                                   "%(num)d upcoming appointments", upcoming)),
        counted(past, ngettext("%(num)d past appointment", "%(num)d past appointments", past)),
        counted(weights, ngettext("%(num)d weight", "%(num)d weights", weights)),
        counted(alerts, ngettext("%(num)d alert", "%(num)d alerts", alerts)),
    ])
    if going:
        question = _("Delete %(pet)s (%(type)s) and its %(records)s?", pet=pet.name,
                     type=pet.type.name, records=going)
        details = []
    else:
        question = _("Delete %(pet)s (%(type)s)?", pet=pet.name, type=pet.type.name)
        details = [_("%(pet)s has no visits, vaccinations, appointments, weights or alerts.",
                     pet=pet.name)]
    if upcoming:
        details.append(_("Its upcoming appointments are deleted, not cancelled: tell the owner."))
    return confirmation_page(question, _("Delete %(pet)s", pet=pet.name),
                             url_for("owners.detail", owner_id=pet.owner_id), details)


@bp.route("/<int:pet_id>/transfer", methods=["GET", "POST"])
@permission_required("pets.transfer")
def transfer(owner_id, pet_id):
    """Move a pet, with its history, to another owner found by last name or number."""
    pet = pet_with_owner(owner_id, pet_id) or abort(404)
    old_owner = pet.owner
    chooser, form = ChooseOwnerForm(request.args), TransferForm()
    problem, status = None, 200
    if form.is_submitted():
        new_owner = db.session.get(Owner, form.new_owner_id.data) if form.validate() else None
        try:
            if new_owner is None:
                raise TransferRefused(
                    _("Choose an owner from the list: that one does not exist."))
            transfer_pet(pet, old_owner, new_owner, form.version.data)
        except TransferRefused as refusal:
            problem, status = str(refusal), 409
        except ChangedMeanwhile:
            db.session.rollback()
            pet = pet_with_owner(owner_id, pet_id) or abort(404)
            problem = _("%(pet)s was changed by someone else meanwhile: not moved.", pet=pet.name)
            status = 409
        else:
            db.session.commit()
            flash(_("%(pet)s now belongs to %(owner)s.", pet=pet.name, owner=new_owner.full_name),
                  "success")
            return redirect(url_for("pets.detail", owner_id=new_owner.id, pet_id=pet.id))
    searched = chooser.validate() and (chooser.q.data or chooser.other.data)
    found = candidates(chooser, owner_id) if searched else None
    return render_template("pets/transfer.html", pet=pet, owner=old_owner, chooser=chooser,
                           found=found, problem=problem), status
