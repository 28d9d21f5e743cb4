"""/audit: the whole audit trail for administrators, filtered by who, what and when,
newest first, a page at a time, in the clinic's local time and with records by name."""

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from wtforms import DateField, IntegerField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional, ValidationError

from app.audit import AUDITED
from app.audit_log.readable import readable
from app.auth.permissions import permission_required
from app.clinic import clinic_zone
from app.extensions import db
from app.forms import PageForm, WholeNumberRange
from app.i18n import _, _l
from app.models import AuditEntry, User
from app.pagination import page_number
from app.routing import MAX_ID
from app.validation import max_length, printable, strip

bp = Blueprint("audit_log", __name__, url_prefix="/audit")

PER_PAGE = 50
KINDS = sorted(set(AUDITED.values()))
# The kinds of record as the filter names them (the values are the trail's own).
KIND_LABELS = {"absence": _l("absence"), "appointment": _l("appointment"),
               "clinic_hours": _l("clinic hours"), "closure": _l("closure"), "owner": _l("owner"),
               "pet": _l("pet"), "rota": _l("rota"), "visit": _l("visit")}


def not_before_from(form, field):
    """A range that ends on or after its start."""
    if field.data and form.date_from.data and field.data < form.date_from.data:
        raise ValidationError(_("The end is before the start."))


class AuditFilterForm(PageForm):
    """Who, what (kind of record, and which), when (days at the clinic)."""

    class Meta:
        csrf = False  # a GET filter changes nothing

    who = StringField(_l("Who"), filters=[strip],
                      description=_l("A username, or cli:NAME for commands."),
                      validators=[Optional(), Length(max=max_length(AuditEntry.actor)), printable],
                      render_kw={"list": "actors"})
    kind = SelectField(_l("What"), default="", validators=[Optional()], choices=[
        SelectChoice("", _l("Anything")),
        *(SelectChoice(kind, KIND_LABELS.get(kind, kind.replace("_", " "))) for kind in KINDS)])
    record = IntegerField(_l("Record number"), validators=[
        Optional(), WholeNumberRange(1, MAX_ID, _l("A record number is a whole number from 1."))],
        description=_l("An owner's, pet's, appointment's or visit's id; a vet's for rota and "
                       "absence."))
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional(), not_before_from])
    submit = SubmitField(_l("Show"))


def _utc(day):
    """The instant the clinic's day begins."""
    return datetime.combine(day, time.min, tzinfo=clinic_zone())


def filtered(form):
    """The entries the filters select, newest first."""
    query = sa.select(AuditEntry)
    if form.who.data:
        query = query.where(AuditEntry.actor == form.who.data)
    if form.kind.data:
        query = query.where(AuditEntry.entity_type == form.kind.data)
    if form.record.data is not None:
        query = query.where(AuditEntry.entity_id == form.record.data)
    if form.date_from.data:
        query = query.where(AuditEntry.at >= _utc(form.date_from.data))
    if form.date_to.data:
        query = query.where(AuditEntry.at < _utc(form.date_to.data + timedelta(days=1)))
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


@bp.get("")
@permission_required("audit.view")
def index():
    """A page of the trail: one statement for the entries, one for every name they mention."""
    form = AuditFilterForm(request.args)
    actors = db.session.scalars(sa.select(User.username).order_by(User.username)).all()
    if not form.validate():
        return render_template("audit/index.html", form=form, lines=[], actors=actors,
                               page=1, more=False, args={}), 400
    page = page_number()
    entries = db.session.scalars(
        filtered(form).offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)).all()
    args = {key: value for key, value in request.args.items() if key not in ("page", "submit")}
    return render_template("audit/index.html", form=form, lines=readable(entries[:PER_PAGE]),
                           actors=actors, page=page, more=len(entries) > PER_PAGE, args=args)
