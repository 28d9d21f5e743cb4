"""A pet's alerts page: list, add, remove (staff who edit pets)."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import joinedload, selectinload
from wtforms import SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length

from app.auth.permissions import permission_required
from app.confirmation import confirmation_page
from app.extensions import db
from app.forms import PageForm, with_placeholder
from app.i18n import _, _l
from app.models import Pet, PetAlert
from app.models.pet_alert import SEVERITIES
from app.pets.alerts import MAX_ALERTS, AlertRefused, add_alert, alert_of, remove_alert
from app.validation import max_length, printable, strip

bp = Blueprint("pet_alerts", __name__, url_prefix="/owners/<int:owner_id>/pets/<int:pet_id>/alerts")


class AlertForm(PageForm):
    """A new alert: what to know, and how much it matters."""

    text = StringField(
        _l("Alert"),
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(PetAlert.text)), printable],
        description=_l("What staff must know before handling the pet: “bites”, “diabetic”."),
    )
    severity = SelectField(
        _l("Severity"),
        choices=with_placeholder(SelectChoice(s.value, s.label) for s in reversed(SEVERITIES)),
        validators=[InputRequired(_l("Choose a severity."))],
    )
    submit = SubmitField(_l("Add alert"))


def pet_or_404(owner_id, pet_id):
    """The pet of that owner, with its owner, type and alerts."""
    return db.first_or_404(
        sa.select(Pet)
        .options(joinedload(Pet.owner), joinedload(Pet.type), selectinload(Pet.alerts))
        .where(Pet.id == pet_id, Pet.owner_id == owner_id)
    )


@bp.route("", methods=["GET", "POST"])
@permission_required("pets.edit")
def index(owner_id, pet_id):
    """The pet's alerts, each with a remove button, and the form to add one."""
    pet = pet_or_404(owner_id, pet_id)
    form = AlertForm()
    if form.validate_on_submit():
        try:
            alert = add_alert(pet.id, form.text.data, form.severity.data)
        except AlertRefused as refusal:
            form.text.errors.append(str(refusal))
        else:
            db.session.commit()
            flash(_("Alert added to %(pet)s: %(severity)s: %(text)s.", pet=pet.name,
                    severity=alert.severity.label, text=alert.text), "success")
            return redirect(url_for("pet_alerts.index", owner_id=owner_id, pet_id=pet_id))
    return render_template("pets/alerts.html", pet=pet, form=form, max_alerts=MAX_ALERTS)


@bp.route("/<int:alert_id>/delete", methods=["GET", "POST"])
@permission_required("pets.edit")
def delete(owner_id, pet_id, alert_id):
    """Confirm, then remove one of the pet's alerts (removed already, e.g. by a double click:
    said so)."""
    pet = pet_or_404(owner_id, pet_id)
    alert = alert_of(pet.id, alert_id)
    if alert is not None and request.method == "GET":
        return confirmation_page(
            _("Remove the alert “%(severity)s: %(text)s” from %(pet)s?",
              severity=alert.severity.label, text=alert.text, pet=pet.name),
            _("Remove the alert"), url_for("pet_alerts.index", owner_id=owner_id, pet_id=pet_id),
            [_("Staff will no longer see it wherever %(pet)s appears.", pet=pet.name)])
    if alert is None:
        flash(_("That alert was removed already."), "info")
    else:
        remove_alert(alert)
        db.session.commit()
        flash(_("Alert removed from %(pet)s: %(text)s.", pet=pet.name, text=alert.text),
              "success")
    return redirect(url_for("pet_alerts.index", owner_id=owner_id, pet_id=pet_id))
