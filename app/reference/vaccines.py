"""Vaccine types, for administrators: list, add, change, remove (refused while in use)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from app.auth.permissions import permission_required
from app.confirmation import confirmation_page
from app.extensions import db
from app.i18n import _, _l, ngettext
from app.models import PetType
from app.reference.services import list_named
from app.vaccinations.forms import VaccineTypeForm
from app.vaccinations.types import (
    VaccineTypeInUse,
    VaccineTypeRefused,
    add_vaccine_type,
    doses_of,
    remove_vaccine_type,
    update_vaccine_type,
    vaccine_type,
    vaccine_types,
)

bp = Blueprint("vaccine_types", __name__, url_prefix="/reference/vaccines")


def _form(**kwargs):
    """The vaccine type form, offering every pet type as a species."""
    form = VaccineTypeForm(**kwargs)
    form.species.choices = [(kind.id, kind.name) for kind in list_named(PetType)]
    return form


def _saved(form, save, message):
    """Run ``save`` with the form's values; commit and redirect, or put the refusal on the form."""
    try:
        row = save(form.name.data, form.interval_months.data, form.species.data)
    except VaccineTypeRefused as refusal:
        form[refusal.field].errors.append(str(refusal))
        return None
    db.session.commit()
    flash(message % {"name": repr(row.name)}, "success")
    return redirect(url_for("vaccine_types.index"))


@bp.get("")
@permission_required("reference.manage")
def index():
    """Every vaccine type with its species and interval."""
    return render_template("reference/vaccines.html", rows=vaccine_types())


@bp.route("/new", methods=["GET", "POST"])
@permission_required("reference.manage")
def new():
    """Add a vaccine type."""
    form = _form()
    if form.validate_on_submit():
        done = _saved(form, add_vaccine_type, _l("Vaccine type %(name)s added."))
        if done:
            return done
    return render_template("reference/vaccine_form.html", form=form, row=None)


@bp.route("/<int:type_id>/edit", methods=["GET", "POST"])
@permission_required("reference.manage")
def edit(type_id):
    """Change a vaccine type's name, species or interval (doses given keep their due dates)."""
    row = vaccine_type(type_id) or abort(404)
    form = _form(obj=row) if request.method == "GET" else _form()
    if request.method == "GET":
        form.species.data = [kind.id for kind in row.species]
    if form.validate_on_submit():
        done = _saved(form, lambda *values: update_vaccine_type(row, *values),
                      _l("Vaccine type %(name)s saved."))
        if done:
            return done
    return render_template("reference/vaccine_form.html", form=form, row=row)


@bp.route("/<int:type_id>/delete", methods=["GET", "POST"])
@permission_required("reference.manage")
def delete(type_id):
    """Confirm, then remove a vaccine type that no vaccination refers to."""
    row = vaccine_type(type_id) or abort(404)
    if request.method == "GET":
        doses = doses_of(row)
        refusal = (ngettext("%(num)d vaccination is on record with %(name)s, so it cannot be "
                            "removed.",
                            "%(num)d vaccinations are on record with %(name)s, so it cannot be "
                            "removed.", doses, name=repr(row.name)) if doses else None)
        return confirmation_page(_("Remove the vaccine type %(name)s?", name=repr(row.name)),
                                 _("Remove the type"), url_for("vaccine_types.index"),
                                 refusal=refusal)
    name = row.name
    try:
        remove_vaccine_type(row)
    except VaccineTypeInUse as refusal:
        flash(str(refusal), "danger")
    else:
        db.session.commit()
        flash(_("Vaccine type %(name)s removed.", name=repr(name)), "success")
    return redirect(url_for("vaccine_types.index"))
