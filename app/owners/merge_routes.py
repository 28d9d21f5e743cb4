"""Merging two owners (administrators): choose the other owner, then what to keep."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from app.auth.permissions import permission_required
from app.concurrency import ChangedMeanwhile
from app.extensions import db
from app.i18n import _, _l
from app.models import Owner
from app.owners.choosing import ChooseOwnerForm, candidates
from app.owners.forms import MERGE_LABELS, merge_form, pet_names
from app.owners.merge import MergeRefused, merge_owners, merge_sides

bp = Blueprint("owner_merges", __name__, url_prefix="/owners/<int:owner_id>/merge")

MERGE_CHANGED_MEANWHILE = _l(
    "One of the owners was changed by someone else meanwhile: nothing was merged. The page "
    "shows them as they are now, with your choices; check them and merge again."
)


@bp.get("")
@permission_required("owners.merge")
def choose(owner_id):
    """Find the owner to merge into this one, by last name or number."""
    owner = db.get_or_404(Owner, owner_id)
    form = ChooseOwnerForm(request.args)
    if not form.validate():
        return render_template("owners/merge_choose.html", owner=owner, form=form, found=None), 400
    found = candidates(form, owner.id) if form.q.data or form.other.data else None
    return render_template("owners/merge_choose.html", owner=owner, form=form, found=found)


@bp.route("/<int:other_id>", methods=["GET", "POST"])
@permission_required("owners.merge")
def merge(owner_id, other_id):
    """Merge owner ``other_id`` into ``owner_id``: field by field, pets renamed where they clash."""
    sides = merge_sides(owner_id, other_id, lock=request.method == "POST") or abort(404)
    form = merge_form(sides)
    if not form.is_submitted():
        form.kept_version.data, form.removed_version.data = sides.kept.version, sides.removed.version
    elif form.validate():
        names = pet_names(form, sides)
        for group in sides.clashes(names):
            for pet in group:
                form[f"pet_{pet.id}"].errors.append(
                    _("Still %(num)d pets named %(name)s: rename one.",
                      num=len(group), name=names.get(pet.id, pet.name)))
        if not form.errors:
            try:
                kept = merge_owners(sides, form.data, names,
                                    (form.kept_version.data, form.removed_version.data))
            except ChangedMeanwhile:
                return refused(owner_id, other_id, str(MERGE_CHANGED_MEANWHILE))
            except MergeRefused as refusal:
                return refused(owner_id, other_id, str(refusal))
            db.session.commit()
            flash(_("Owner #%(number)d was merged into %(name)s.", number=other_id,
                    name=kept.full_name), "success")
            return redirect(url_for("owners.detail", owner_id=kept.id))
    return render_template("owners/merge.html", sides=sides, form=form, labels=MERGE_LABELS)


def refused(owner_id, other_id, problem):
    """The merge page again after a refusal: nothing written, both owners as they are now."""
    db.session.rollback()
    sides = merge_sides(owner_id, other_id) or abort(404)
    form = merge_form(sides)  # the choices and names typed, with the versions of now
    form.kept_version.data, form.removed_version.data = sides.kept.version, sides.removed.version
    return render_template("owners/merge.html", sides=sides, form=form, labels=MERGE_LABELS,
                           problem=problem), 409
