"""Pet types and specialties, for administrators."""

from flask import Blueprint, flash, redirect, render_template, url_for
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import AnyOf, DataRequired, Length

from app.auth.permissions import permission_required
from app.extensions import db
from app.forms import PageForm
from app.models import PetType, Specialty
from app.reference.services import add_named, list_named
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
    """Both lists, each with a form to add to it."""
    forms = {kind: NameForm(prefix=kind, kind=kind) for kind in KINDS}
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
    lists = {kind: list_named(model) for kind, (model, _) in KINDS.items()}
    return render_template("reference/index.html", forms=forms, lists=lists, kinds=KINDS)
