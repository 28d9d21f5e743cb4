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


class SearchForm(PageForm):
    """The search box: a name, a pet's name, a telephone number, an email or a microchip."""

    class Meta:
        csrf = False  # a GET search changes nothing

    # Any of the things it finds; the longest of them is an email address.
    q = SearchField(
        "Name, pet, telephone, email or microchip",
        filters=[strip],
        validators=[Length(max=max_length(Owner.email)), printable],
        description="The start of a name (“Dav”, “Betty Dav”), a pet's name, the last "
        "digits of a telephone number, an email address or a whole microchip number.",
    )
    submit = SubmitField("Find owner")


class FindOwnersForm(PageForm):
    """Search owners by the start of their last name (the booking page's "whose pet?")."""

    class Meta:
        csrf = False  # a GET search changes nothing

    lastName = SearchField(  # noqa: N815 (the Spring PetClinic parameter name)
        "Last name",
        filters=[strip],
        validators=[Length(max=max_length(Owner.last_name)), printable],
    )
    submit = SubmitField("Find owner")
