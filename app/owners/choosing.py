"""Choosing another owner (to merge with, or to move a pet to): by number or last name."""

import sqlalchemy as sa
from wtforms import IntegerField, SearchField, SubmitField
from wtforms.validators import Length, Optional

from app.extensions import db
from app.forms import PageForm, WholeNumberRange
from app.i18n import _l
from app.models import Owner
from app.owners.services import WITH_PETS, search_owners
from app.routing import MAX_ID
from app.validation import max_length, printable, strip

# A chooser lists a few: more means "type more of the name".
LISTED = 10


class ChooseOwnerForm(PageForm):
    """Find the other owner by the start of the last name, or by the owner's number."""

    class Meta:
        csrf = False  # a GET search changes nothing

    q = SearchField(
        _l("Last name"),
        filters=[strip],
        validators=[Optional(), Length(max=max_length(Owner.last_name)), printable],
    )
    other = IntegerField(
        _l("Or owner number"),
        validators=[Optional(), WholeNumberRange(1, MAX_ID, _l("Not an owner number."))],
    )
    submit = SubmitField(_l("Find"))


def candidates(form, exclude_id):
    """The owners a valid chooser form names (at most LISTED), with pets; never ``exclude_id``."""
    if form.other.data:
        query = sa.select(Owner).options(WITH_PETS).where(Owner.id == form.other.data)
    elif form.q.data:
        query = search_owners(form.q.data).limit(LISTED)
    else:
        return []
    return db.session.scalars(query.where(Owner.id != exclude_id)).all()
