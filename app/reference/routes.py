"""Pet types, specialties and appointment types, for administrators."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import AnyOf, DataRequired, Length

from app.auth.permissions import permission_required
from app.confirmation import confirmation_page
from app.extensions import db
from app.forms import PageForm
from app.i18n import _, _l, ngettext
from app.models import PetType, Specialty
from app.reference.appointment_types import (
    add_appointment_type,
    appointment_type_or_none,
    delete_appointment_type,
    list_appointment_types,
    times_used,
    update_appointment_type,
)
from app.reference.forms import AppointmentTypeForm
from app.reference.services import (
    NameInUse,
    add_named,
    delete_named,
    list_named,
    losses_of,
    rename_named,
    uses_of,
)
from app.validation import max_length, printable, strip

bp = Blueprint("reference", __name__, url_prefix="/reference")

# kind in URLs and forms: (model, label, heading): plurals written out, never made by adding "s".
KINDS = {"pettype": (PetType, _l("Pet type"), _l("Pet types")),
         "specialty": (Specialty, _l("Specialty"), _l("Specialties"))}
# What the pages say of a row of each kind, whole sentences (%(name)s: the quoted name).
TEXTS = {
    "pettype": {
        "add": _l("Add pet type"),
        "added": _l("Pet type %(name)s added."),
        "renamed": _l("Pet type %(old)s renamed %(new)s."),
        "remove": _l("Remove the pet type %(name)s?"),
        "removed": _l("Pet type %(name)s removed."),
    },
    "specialty": {
        "add": _l("Add specialty"),
        "added": _l("Specialty %(name)s added."),
        "renamed": _l("Specialty %(old)s renamed %(new)s."),
        "remove": _l("Remove the specialty %(name)s?"),
        "removed": _l("Specialty %(name)s removed."),
    },
}


class NameForm(PageForm):
    """Add a pet type or a specialty."""

    kind = HiddenField(validators=[AnyOf(list(KINDS))])
    # One form for both kinds: their name columns have one length (tests/test_field_rules.py).
    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(PetType.name)), printable],
    )
    submit = SubmitField(_l("Add"))


@bp.route("", methods=["GET", "POST"])
@permission_required("reference.manage")
def index():
    """The three lists, each with a form to add to it."""
    forms = {kind: NameForm(prefix=kind, kind=kind) for kind in KINDS}
    for kind, form in forms.items():  # "Add pet type", "Add specialty": not two "Add" buttons
        form.submit.label.text = str(TEXTS[kind]["add"])
    for kind, form in forms.items():
        if form.submit.data and form.validate_on_submit():
            model = KINDS[kind][0]
            try:
                row = add_named(model, form.name.data)
            except ValueError as error:  # DuplicateName, or too long once lower-cased ("İ")
                form.name.errors.append(str(error))
                break
            db.session.commit()
            flash(TEXTS[kind]["added"] % {"name": repr(row.name)}, "success")
            return redirect(url_for("reference.index"))
    type_form = AppointmentTypeForm(prefix="apptype")
    if type_form.submit.data and type_form.validate_on_submit():
        try:
            row = add_appointment_type(**type_form.values())
        except ValueError as error:  # DuplicateName, or too long once lower-cased
            type_form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Appointment type %(name)s added.", name=repr(row.name)), "success")
            return redirect(url_for("reference.index", _anchor="appointment-types"))
    lists = {kind: list_named(model) for kind, (model, *_) in KINDS.items()}
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
    form.submit.label.text = _("Save type")
    if form.validate_on_submit():
        try:
            update_appointment_type(row, **form.values())
        except ValueError as error:
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Appointment type %(name)s saved.", name=repr(row.name)), "success")
            return redirect(url_for("reference.index", _anchor="appointment-types"))
    return render_template("reference/appointment_type.html", form=form, row=row)


@bp.route("/appointment-types/<int:type_id>/delete", methods=["GET", "POST"])
@permission_required("reference.manage")
def delete_appointment_type_view(type_id):
    """Confirm, then remove a type that no appointment has; one in use is refused, saying so."""
    row = appointment_type_or_404(type_id)
    back = url_for("reference.index", _anchor="appointment-types")
    if request.method == "GET":
        used = times_used(row)
        refusal = None
        if used:
            refusal = ngettext(
                "%(num)d appointment has the type %(name)s, so it cannot be removed. Rename it "
                "or change its duration instead.",
                "%(num)d appointments have the type %(name)s, so it cannot be removed. Rename "
                "it or change its duration instead.", used, name=repr(row.name))
        return confirmation_page(_("Remove the appointment type %(name)s?", name=repr(row.name)),
                                 _("Remove the type"), back, refusal=refusal)
    name = row.name
    try:
        delete_appointment_type(row)
    except NameInUse as refusal:
        flash(str(refusal), "danger")
    else:
        db.session.commit()
        flash(_("Appointment type %(name)s removed.", name=repr(name)), "success")
    return redirect(url_for("reference.index", _anchor="appointment-types"))


def named_or_404(kind, row_id):
    """(row, label) of a pet type or specialty; a 404 for an unknown one."""
    model, label, _heading = KINDS[kind]
    return db.session.get(model, row_id) or abort(404), label


@bp.route("/<any(pettype, specialty):kind>/<int:row_id>/edit", methods=["GET", "POST"])
@permission_required("reference.manage")
def rename(kind, row_id):
    """Rename a pet type or specialty (a name another row has is refused)."""
    row, label = named_or_404(kind, row_id)
    form = NameForm(obj=row, kind=kind)
    form.submit.label.text = _("Save name")
    if form.validate_on_submit():
        old = row.name
        try:
            rename_named(row, form.name.data)
        except ValueError as error:  # DuplicateName, or too long once lower-cased
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(TEXTS[kind]["renamed"] % {"old": repr(old), "new": repr(row.name)}, "success")
            return redirect(url_for("reference.index"))
    return render_template("reference/rename.html", form=form, row=row, label=label)


@bp.route("/<any(pettype, specialty):kind>/<int:row_id>/delete", methods=["GET", "POST"])
@permission_required("reference.manage")
def remove(kind, row_id):
    """Confirm, then remove a pet type or specialty; refused while in use, saying where."""
    row = named_or_404(kind, row_id)[0]
    back = url_for("reference.index")
    if request.method == "GET":
        uses = uses_of(row)
        refusal = (_("%(name)s cannot be removed: %(uses)s", name=repr(row.name),
                     uses=" ".join(uses)) if uses else None)
        return confirmation_page(TEXTS[kind]["remove"] % {"name": repr(row.name)},
                                 _("Remove %(name)s", name=row.name), back, losses_of(row),
                                 refusal=refusal)
    name = row.name
    try:
        delete_named(row)
    except NameInUse as refusal:
        flash(str(refusal), "danger")
    else:
        db.session.commit()
        flash(TEXTS[kind]["removed"] % {"name": repr(name)}, "success")
    return redirect(back)
