"""Owner forms."""

from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SearchField,
    SelectChoice,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from app.concurrency import VersionField
from app.forms import PageForm
from app.models import Owner, Pet
from app.owners.merge import KEPT, MERGED_FIELDS, REMOVED
from app.phone import format_phone
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


MERGE_LABELS = {"first_name": "First name", "last_name": "Last name", "address": "Address",
                "city": "City", "telephone": "Telephone", "email": "Email",
                "email_consent": "Email consent"}


def _shown(owner, field):
    """An owner's value as the merge page shows it beside its radio button."""
    if field == "telephone":
        return format_phone(owner.telephone)
    if field == "email_consent":
        if not owner.email_consent:
            return "no"
        when = f" on {owner.email_consent_at:%Y-%m-%d}" if owner.email_consent_at else ""
        return f"yes (recorded{when} by {owner.email_consent_by or 'unknown'})"
    return getattr(owner, field) or "(none)"


def merge_form(sides):
    """The merge page's form for these two owners (app.owners.merge.MergeSides): a choice per
    field, the versions shown, and a new name for each pet whose name the two share."""

    class MergeForm(PageForm):
        kept_version = VersionField()
        removed_version = VersionField()
        submit = SubmitField("Merge owners")

    for field in MERGED_FIELDS:
        choices = [SelectChoice(KEPT, _shown(sides.kept, field)),
                   SelectChoice(REMOVED, _shown(sides.removed, field))]
        setattr(MergeForm, field, RadioField(MERGE_LABELS[field], choices=choices, default=KEPT))
    for pet in (pet for group in sides.clashes() for pet in group):
        owner = sides.kept if pet.owner_id == sides.kept.id else sides.removed
        setattr(MergeForm, f"pet_{pet.id}", StringField(
            f"{pet.name} ({pet.type.name}) of {owner.full_name}, #{owner.id}",
            filters=[strip], default=pet.name,
            validators=[DataRequired(), Length(max=max_length(Pet.name)), printable]))
    return MergeForm()


def pet_names(form, sides):
    """The pet names typed on a valid merge form (pet id -> name)."""
    pets = sides.kept_pets + sides.moving_pets
    return {pet.id: form[f"pet_{pet.id}"].data for pet in pets if f"pet_{pet.id}" in form}
