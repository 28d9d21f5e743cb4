"""Record a walk-in or historical visit (Spring PetClinic's "Add Visit")."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from sqlalchemy.orm import joinedload

from app.auth.permissions import permission_required
from app.clinic import clinic_today
from app.extensions import db
from app.models import Visit
from app.pets.services import pet_with_owner
from app.visits.forms import VisitForm
from app.visits.services import VisitRefused, record_visit
from app.weights.services import record_weight

bp = Blueprint("visits", __name__, url_prefix="/owners/<int:owner_id>/pets/<int:pet_id>/visits")


@bp.route("/new", methods=["GET", "POST"])
@permission_required("visits.record")
def new(owner_id, pet_id):
    """The visit form, with the pet's earlier visits below it."""
    pet = pet_with_owner(owner_id, pet_id) or abort(404)
    form = VisitForm()
    if form.validate_on_submit():
        try:
            visit = record_visit(pet.id, form.date.data, form.description.data,
                                 form.vet_id.data or None)
            if form.kilograms.data is not None:
                record_weight(pet.id, form.kilograms.data, visit.date, visit_id=visit.id)
        except VisitRefused as refusal:
            form.date.errors.append(str(refusal))
        else:
            db.session.commit()
            flash(f"Visit of {pet.name} recorded.", "success")
            return redirect(url_for("owners.detail", owner_id=owner_id))
    elif form.date.data is None:
        form.date.data = clinic_today()
    earlier = db.session.scalars(
        sa.select(Visit)
        .options(joinedload(Visit.vet))
        .where(Visit.pet_id == pet.id)
        .order_by(Visit.date.desc(), Visit.id.desc())
    ).all()
    return render_template("visits/new.html", form=form, pet=pet, earlier=earlier)

