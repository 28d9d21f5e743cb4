"""The form that creates a personal API token."""

from wtforms import IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange

from app.forms import PageForm
from app.i18n import _l
from app.models import ApiToken
from app.tokens.services import DEFAULT_DAYS, MAX_DAYS
from app.validation import max_length, printable, strip


class TokenForm(PageForm):
    """A token's name and how many days it lasts."""

    name = StringField(
        _l("Name (what it is for)"),
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(ApiToken.name)), printable],
    )
    days = IntegerField(
        _l("Lasts (days, at most %(num)d)", num=MAX_DAYS),
        default=DEFAULT_DAYS,
        validators=[DataRequired(), NumberRange(1, MAX_DAYS)],
    )
    submit = SubmitField(_l("Create token"))
