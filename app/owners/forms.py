"""Owner forms."""

from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from app.concurrency import VersionField
from app.forms import PageForm
from app.i18n import LANGUAGES, _, _l
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
        _l("First name"),
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(Owner.first_name)), printable],
    )
    last_name = StringField(
        _l("Last name"),
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(Owner.last_name)), printable],
    )
    address = StringField(
        _l("Address"),
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(Owner.address)), printable],
    )
    city = StringField(
        _l("City"),
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(Owner.city)), printable],
    )
    # Typed with separators, stored normalised: the input limit is not the column's.
    telephone = StringField(
        _l("Telephone"),
        filters=[strip],
        validators=[DataRequired(), Length(max=TELEPHONE_INPUT_MAX), telephone_number],
        description=_l("Digits, spaces and + - ( ) . are fine, e.g. (608) 555-1023."),
    )
    email = EmailField(
        _l("Email (optional)"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=max_length(Owner.email)),
            printable,
            Email(check_deliverability=False),
        ],
    )
    email_consent = BooleanField(
        _l("Agrees to vaccination reminders by email"),
        description=_l("Confirmations, cancellations and appointment reminders go to every "
                       "owner with an email address; vaccination reminders only with this "
                       "agreement."),
    )
    # The language of the messages the owner is sent (app/i18n.py); pages follow the staff.
    language = SelectField(
        _l("Language for messages"),
        choices=[SelectChoice("", _l("The clinic's language")),
                 *(SelectChoice(code, name) for code, name in LANGUAGES.items())],
        default="",
        filters=[lambda value: value or ""],
    )
    version = VersionField()  # the version the form was loaded at (app.concurrency)
    submit = SubmitField(_l("Save owner"))


class SearchForm(PageForm):
    """The search box: a name, a pet's name, a telephone number, an email or a microchip."""

    class Meta:
        csrf = False  # a GET search changes nothing

    # Any of the things it finds; the longest of them is an email address.
    q = SearchField(
        _l("Name, pet, telephone, email or microchip"),
        filters=[strip],
        validators=[Length(max=max_length(Owner.email)), printable],
        description=_l("The start of a name (“Dav”, “Betty Dav”), a pet's name, the last "
                       "digits of a telephone number, an email address or a whole microchip "
                       "number."),
    )
    submit = SubmitField(_l("Find owner"))


class FindOwnersForm(PageForm):
    """Search owners by the start of their last name (the booking page's "whose pet?")."""

    class Meta:
        csrf = False  # a GET search changes nothing

    lastName = SearchField(  # noqa: N815 (the Spring PetClinic parameter name)
        _l("Last name"),
        filters=[strip],
        validators=[Length(max=max_length(Owner.last_name)), printable],
    )
    submit = SubmitField(_l("Find owner"))


MERGE_LABELS = {"first_name": _l("First name"), "last_name": _l("Last name"),
                "address": _l("Address"), "city": _l("City"), "telephone": _l("Telephone"),
                "email": _l("Email"), "email_consent": _l("Email consent")}


def _shown(owner, field):
    """An owner's value as the merge page shows it beside its radio button."""
    if field == "telephone":
        return format_phone(owner.telephone)
    if field == "email_consent":
        if not owner.email_consent:
            return _("no")
        who = owner.email_consent_by or _("unknown")
        if owner.email_consent_at:
            on = f"{owner.email_consent_at:%Y-%m-%d}"
            return _("yes (recorded on %(day)s by %(who)s)", day=on, who=who)
        return _("yes (recorded by %(who)s)", who=who)
    return getattr(owner, field) or _("(none)")


def merge_form(sides):
    """The merge page's form for these two owners (app.owners.merge.MergeSides): a choice per
    field, the versions shown, and a new name for each pet whose name the two share."""

    class MergeForm(PageForm):
        kept_version = VersionField()
        removed_version = VersionField()
        submit = SubmitField(_l("Merge owners"))

    for field in MERGED_FIELDS:
        choices = [SelectChoice(KEPT, _shown(sides.kept, field)),
                   SelectChoice(REMOVED, _shown(sides.removed, field))]
        setattr(MergeForm, field, RadioField(MERGE_LABELS[field], choices=choices, default=KEPT))
    for pet in (pet for group in sides.clashes() for pet in group):
        owner = sides.kept if pet.owner_id == sides.kept.id else sides.removed
        setattr(MergeForm, f"pet_{pet.id}", StringField(
            _("%(pet)s (%(type)s) of %(owner)s, #%(number)d", pet=pet.name, type=pet.type.name,
              owner=owner.full_name, number=owner.id),
            filters=[strip], default=pet.name,
            validators=[DataRequired(), Length(max=max_length(Pet.name)), printable]))
    return MergeForm()


def pet_names(form, sides):
    """The pet names typed on a valid merge form (pet id -> name)."""
    pets = sides.kept_pets + sides.moving_pets
    return {pet.id: form[f"pet_{pet.id}"].data for pet in pets if f"pet_{pet.id}" in form}
