"""Pet types, specialties and appointment types, for administrators."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import AnyOf, DataRequired, Length

from app.auth.permissions import permission_required
from app.extensions import db
from app.forms import PageForm
from app.models import PetType, Specialty
from app.reference.appointment_types import (
    add_appointment_type,
    appointment_type_or_none,
    delete_appointment_type,
    list_appointment_types,
    update_appointment_type,
)
from app.reference.forms import AppointmentTypeForm
from app.reference.services import NameInUse, add_named, list_named
from app.validation import max_length, printable, strip

bp = Blueprint("reference", __name__, url_prefix="/reference")

KINDS = {"pettype": (PetType, "Pet type"), "specialty": (Specialty, "Specialty")}


class NameForm(PageForm):
    """Add a pet type or a specialty."""

    kind = HiddenField(validators=[AnyOf(list(KINDS))])
    # One form for both kinds: their name columns have one length (tests/test_field_rules.py).
    name = StringField(
        "Name",
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(PetType.name)), printable],
    )
    submit = SubmitField("Add")


@bp.route("", methods=["GET", "POST"])
@permission_required("reference.manage")
def index():
    """The three lists, each with a form to add to it."""
    forms = {kind: NameForm(prefix=kind, kind=kind) for kind in KINDS}
    for kind, form in forms.items():  # "Add pet type", "Add specialty": not two "Add" buttons
        form.submit.label.text = f"Add {KINDS[kind][1].lower()}"
    for kind, form in forms.items():
        if form.submit.data and form.validate_on_submit():
            model, label = KINDS[kind]
            try:
                row = add_named(model, form.name.data)
            except ValueError as error:  # DuplicateName, or too long once lower-cased ("İ")
                form.name.errors.append(str(error))
                break
            db.session.commit()
            flash(f"{label} {row.name!r} added.", "success")
            return redirect(url_for("reference.index"))
    type_form = AppointmentTypeForm(prefix="apptype")
    if type_form.submit.data and type_form.validate_on_submit():
        try:
            row = add_appointment_type(**type_form.values())
        except ValueError as error:  # DuplicateName, or too long once lower-cased
            type_form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Appointment type {row.name!r} added.", "success")
            return redirect(url_for("reference.index", _anchor="appointment-types"))
    lists = {kind: list_named(model) for kind, (model, _) in KINDS.items()}
    return render_template("reference/index.html", forms=forms, lists=lists, kinds=KINDS,
                           type_form=type_form, types=list_appointment_types())


def appointment_type_or_404(type_id):
    """The appointment type with its specialty, or a 404."""
    return appointment_type_or_none(type_id) or abort(404)


@bp.route("/appointment-types/<int:type_id>/edit", methods=["GET", "POST"])
@permission_required("reference.manage")
def edit_appointment_type(type_id):
    """Rename a type, or change its duration, colour or specialty."""
    row = appointment_type_or_404(type_id)
    form = AppointmentTypeForm(obj=row)
    form.submit.label.text = "Save type"
    if form.validate_on_submit():
        try:
            update_appointment_type(row, **form.values())
        except ValueError as error:
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Appointment type {row.name!r} saved.", "success")
            return redirect(url_for("reference.index", _anchor="appointment-types"))
    return render_template("reference/appointment_type.html", form=form, row=row)


@bp.post("/appointment-types/<int:type_id>/delete")
@permission_required("reference.manage")
def delete_appointment_type_view(type_id):
    """Remove a type that no appointment has; one in use is refused, saying so."""
    row = appointment_type_or_404(type_id)
    name = row.name
    try:
        delete_appointment_type(row)
    except NameInUse as refusal:
        flash(str(refusal), "danger")
    else:
        db.session.commit()
        flash(f"Appointment type {name!r} removed.", "success")
    return redirect(url_for("reference.index", _anchor="appointment-types"))
