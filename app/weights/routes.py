"""A pet's weights page: the chart, the table and a form to record one on its own."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from app.auth.permissions import can, permission_required
from app.clinic import clinic_today
from app.extensions import db
from app.i18n import _, day
from app.pets.services import pet_with_owner
from app.weights.forms import WeightForm
from app.weights.kilograms import decimal
from app.weights.services import WeightRefused, load_weight_history, record_weight

bp = Blueprint("weights", __name__, url_prefix="/owners/<int:owner_id>/pets/<int:pet_id>/weights")


@bp.route("", methods=["GET", "POST"])
@permission_required("owners.view")
def index(owner_id, pet_id):
    """The pet's weights, and (for staff who edit pets) the form to record one."""
    pet = pet_with_owner(owner_id, pet_id) or abort(404)
    form = WeightForm()
    if form.is_submitted():
        if not can("pets.edit"):
            abort(403, description=_("Your role does not allow this. Ask an administrator."))
        if form.validate():
            try:
                weight = record_weight(pet.id, form.kilograms.data, form.recorded_on.data)
            except WeightRefused as refusal:
                form[refusal.field].errors.append(str(refusal))
            else:
                db.session.commit()
                flash(_("%(pet)s weighed %(kg)s kg on %(day)s.", pet=pet.name,
                        kg=decimal(weight.kilograms), day=day(weight.recorded_on)), "success")
                return redirect(url_for("weights.index", owner_id=owner_id, pet_id=pet_id))
    elif form.recorded_on.data is None:
        form.recorded_on.data = clinic_today()
    return render_template("weights/index.html", pet=pet, form=form,
                           weight_history=load_weight_history(pet))
