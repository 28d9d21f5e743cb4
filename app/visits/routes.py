"""Visits: record one (Spring PetClinic's "Add Visit"), read it with its addenda, correct it
inside its correction window, add an addendum."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.audit import trail_for
from app.auth.permissions import can, permission_required
from app.clinic import clinic_today
from app.concurrency import ChangedMeanwhile, refuse_stale_form, saving
from app.extensions import db
from app.i18n import _, _l, day
from app.models import Pet, Visit
from app.pets.services import pet_with_owner
from app.visits.forms import AddendumForm, VisitEditForm, VisitForm
from app.visits.services import (
    VisitRefused,
    add_addendum,
    correction_deadline,
    correction_refusal,
    may_correct,
    pet_visits,
    record_visit,
    update_visit,
    visit_listing_options,
)
from app.weights.services import record_weight

bp = Blueprint("visits", __name__, url_prefix="/owners/<int:owner_id>/pets/<int:pet_id>/visits")
bp.add_app_template_global(may_correct)  # the Edit links, wherever visits are listed

# What a refused stale correction shows as saved meanwhile.
VISIT_LABELS = {
    _l("Date"): lambda visit: visit.date.isoformat(),
    _l("Vet"): lambda visit: visit.vet.full_name if visit.vet else None,
    _l("Description"): "description",
}


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
            flash(_("Visit of %(pet)s recorded.", pet=pet.name), "success")
            return redirect(url_for("owners.detail", owner_id=owner_id))
    elif form.date.data is None:
        form.date.data = clinic_today()
        # A vet recording a walk-in is, nearly always, the vet who saw it.
        form.vet_id.data = current_user.vet_id or 0
    return render_template("visits/new.html", form=form, pet=pet, visits=pet_visits(pet.id))


def visit_or_404(owner_id, pet_id, visit_id):
    """The visit of that owner's pet, with its pet, owner, vet, author and addenda; else 404."""
    visit = db.session.scalar(
        sa.select(Visit)
        .join(Visit.pet)
        .options(joinedload(Visit.pet).options(joinedload(Pet.owner), joinedload(Pet.type)),
                 *visit_listing_options())
        .where(Visit.id == visit_id, Visit.pet_id == pet_id, Pet.owner_id == owner_id)
        .execution_options(populate_existing=True)
    )
    return visit or abort(404)


def show(visit, addendum_form=None, status=200):
    """The visit page: the record, its addenda, the addendum form and, for admins, its trail."""
    trail = trail_for(("visit", [visit.id]), known=[visit]) if can("audit.view") else None
    return render_template(
        "visits/detail.html", visit=visit, pet=visit.pet, trail=trail,
        form=addendum_form or AddendumForm(), deadline=correction_deadline(visit),
        locked=correction_refusal(visit, None) is not None,
    ), status


@bp.get("/<int:visit_id>")
@permission_required("owners.view")
def detail(owner_id, pet_id, visit_id):
    """One visit with its addenda."""
    return show(visit_or_404(owner_id, pet_id, visit_id))


@bp.post("/<int:visit_id>/addenda")
@permission_required("visits.record")
def add(owner_id, pet_id, visit_id):
    """Add an addendum to a visit, locked or not."""
    visit = visit_or_404(owner_id, pet_id, visit_id)
    form = AddendumForm()
    if not form.validate_on_submit():
        return show(visit, form, 400)
    add_addendum(visit, form.text.data, current_user.id)
    db.session.commit()
    flash(_("Addendum added."), "success")
    return redirect(url_for("visits.detail", owner_id=owner_id, pet_id=pet_id, visit_id=visit_id))


@bp.route("/<int:visit_id>/edit", methods=["GET", "POST"])
@permission_required("visits.record")
def edit(owner_id, pet_id, visit_id):
    """Correct a visit's date, vet or description while its author (or an admin) still may."""
    visit = visit_or_404(owner_id, pet_id, visit_id)
    here = url_for("visits.detail", owner_id=owner_id, pet_id=pet_id, visit_id=visit_id)
    refusal = correction_refusal(visit, current_user)
    if refusal and request.method == "GET":
        flash(str(refusal), "warning")
        return redirect(here)
    form = VisitEditForm(obj=visit)
    if request.method == "GET":
        form.vet_id.data = visit.vet_id or 0
    if refusal:  # the window closed (or was never open) while the form was being written
        return render_template("visits/edit.html", form=form, visit=visit, refusal=refusal), \
            refusal.status
    if form.validate_on_submit():
        try:
            with saving(visit, form.version.data):
                update_visit(visit, form.date.data, form.description.data,
                             form.vet_id.data or None, editor=current_user)
        except VisitRefused as error:
            form.date.errors.append(str(error))
        except ChangedMeanwhile:
            visit, saved = refuse_stale_form(
                form, lambda: visit_or_404(owner_id, pet_id, visit_id), VISIT_LABELS
            )
            return render_template("visits/edit.html", form=form, visit=visit, saved=saved), 409
        else:
            db.session.commit()
            flash(_("Visit of %(pet)s on %(day)s corrected.", pet=visit.pet.name,
                    day=day(visit.date)), "success")
            return redirect(here)
    return render_template("visits/edit.html", form=form, visit=visit)
