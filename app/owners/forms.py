"""Owner forms."""

from wtforms import BooleanField, EmailField, SearchField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.concurrency import VersionField
from app.forms import PageForm
from app.models import Owner
from app.validation import (
    TELEPHONE_INPUT_MAX,
    max_length,
    printable,
    strip,
    telephone_number,
)


class OwnerForm(PageForm):
    """An owner's name and contact details."""

    first_name = StringField(
        "First name",
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(Owner.first_name)), printable],
    )
    last_name = StringField(
        "Last name",
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(Owner.last_name)), printable],
    )
    address = StringField(
        "Address",
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(Owner.address)), printable],
    )
    city = StringField(
        "City",
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(Owner.city)), printable],
    )
    # Typed with separators, stored normalised: the input limit is not the column's.
    telephone = StringField(
        "Telephone",
        filters=[strip],
        validators=[DataRequired(), Length(max=TELEPHONE_INPUT_MAX), telephone_number],
        description="Digits, spaces and + - ( ) . are fine, e.g. (608) 555-1023.",
    )
    email = EmailField(
        "Email (optional)",
        filters=[strip],
        validators=[
            Optional(),
            Length(max=max_length(Owner.email)),
            printable,
            Email(check_deliverability=False),
        ],
    )
    email_consent = BooleanField(
        "Agrees to vaccination reminders by email",
        description="Confirmations, cancellations and appointment reminders go to every "
        "owner with an email address; vaccination reminders only with this agreement.",
    )
    version = VersionField()  # the version the form was loaded at (app.concurrency)
    submit = SubmitField("Save owner")


class FindOwnersForm(PageForm):
    """Search owners by the start of their last name."""

    class Meta:
        csrf = False  # a GET search changes nothing

    lastName = SearchField(  # noqa: N815 (the Spring PetClinic parameter name)
        "Last name",
        filters=[strip],
        validators=[Length(max=max_length(Owner.last_name)), printable],
        description="Or a pet's whole microchip number (15 digits).",
    )
    submit = SubmitField("Find owner")
