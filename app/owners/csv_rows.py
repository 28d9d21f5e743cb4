"""Owners and pets as CSV rows: read in through the web forms and services, streamed out.

How an imported row maps to owners: a row whose first name, last name and telephone (as
stored, so "(608) 555-1023" and "+1 608-555-1023" are the same) match an owner already in
the database, or one created by an earlier row of the file, adds its pet to that owner and
changes nothing else about them; any other row creates a new owner. A row must add
something: a known owner without a pet is rejected.
"""

import collections

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from app.constraints import violation
from app.csv_files import OWNER_COLUMNS, PET_COLUMNS
from app.extensions import db
from app.forms import error_summary
from app.i18n import _
from app.models import Owner, Pet, PetType, Sex
from app.owners.forms import OwnerForm
from app.owners.services import OWNER_FIELDS, owner_values, register_owner
from app.pets.forms import PetForm, pet_type_choices
from app.pets.services import DuplicatePetName, add_pet

# PetForm's field for each pet column.
PET_FORM_FIELDS = {"pet_name": "name", "pet_birth_date": "birth_date", "pet_type": "type_id"}
# Not an id of any pet type: PetForm refuses it with its own "Not a valid choice".
UNKNOWN_TYPE_ID = "-1"


class RowRejected(ValueError):
    """A row that cannot be imported; the message says why."""


class PetTypes:
    """Pet type ids by name, read once per import (names are stored lower-case)."""

    def __init__(self):
        self.choices = pet_type_choices()  # for each row's PetForm: not a query per row
        self.ids = {name: type_id for type_id, name in self.choices}

    def form_value(self, name):
        """The PetForm value for a type name: its id, blank, or an id the form refuses."""
        name = name.strip().lower()
        if not name:
            return ""
        return str(self.ids.get(name, UNKNOWN_TYPE_ID))

    def unknown(self, name):
        """A hint when ``name`` is not a pet type, else ''."""
        name = name.strip().lower()
        if not name or name in self.ids:
            return ""
        return _("(%(name)s is not a pet type; add it with `flask pettypes add %(type)s`.)",
                 name=repr(name), type=name)


def import_rows(rows):
    """Import (line, values, problem) rows, each in a savepoint; return (outcomes, rejections)."""
    pet_types = PetTypes()
    outcomes, rejected = collections.Counter(), []
    for line, values, problem in rows:
        try:
            if problem:
                raise RowRejected(problem)
            with db.session.begin_nested():
                outcomes[import_row(values, pet_types)] += 1
        except RowRejected as rejection:
            rejected.append((line, str(rejection)))
        except (sa.exc.IntegrityError, sa.exc.DataError) as error:
            # Rules the forms do not know of (a type removed meanwhile, say): only this
            # row's savepoint is rolled back, as for any other rejection.
            refusal = violation(error) if isinstance(error, sa.exc.IntegrityError) else None
            reason = refusal.message if refusal else str(error.orig).strip().splitlines()[0]
            rejected.append((line, _("The database refused the row: %(reason)s", reason=reason)))
    return outcomes, rejected


def import_row(values, pet_types):
    """Validate a row with the owner and pet forms and write it; return 'owner', 'pet' or 'both'.

    Raises RowRejected. Run it in a savepoint so that a rejected row leaves nothing behind.
    """
    owner_form = OwnerForm(
        formdata=MultiDict({field: values[field] for field in OWNER_FIELDS}), meta={"csrf": False}
    )
    pet_form = None
    if any(values[column].strip() for column in PET_COLUMNS):
        pet_data = {PET_FORM_FIELDS[column]: values[column] for column in PET_COLUMNS}
        pet_data["type_id"] = pet_types.form_value(values["pet_type"])
        pet_data["sex"] = Sex.UNKNOWN.value  # the file has no column for it
        pet_form = PetForm(
            formdata=MultiDict(pet_data), meta={"csrf": False}, type_choices=pet_types.choices
        )
    problems = []
    if not owner_form.validate():
        problems.append(error_summary(owner_form))
    if pet_form is not None and not pet_form.validate():
        problems.append(error_summary(pet_form))
        problems.append(pet_types.unknown(values["pet_type"]))
    if problems:
        raise RowRejected(" ".join(problem for problem in problems if problem))

    first_pet = None
    if pet_form is not None:
        first_pet = {field: pet_form[field].data for field in ("name", "birth_date", "type_id")}
    owner_id = known_owner_id(owner_values(owner_form.data))
    if owner_id is None:
        _owner, _pet, problem = register_owner(owner_form.data, first_pet)
        if problem:
            raise RowRejected(problem)
        return "owner" if first_pet is None else "both"
    if first_pet is None:
        raise RowRejected(
            _("This owner is already in the database and the row names no pet."))
    try:
        add_pet(owner_id, **first_pet)
    except DuplicatePetName as error:
        raise RowRejected(str(error)) from None
    return "pet"


def known_owner_id(details):
    """The id of the first owner with the same first name, last name and stored telephone."""
    return db.session.scalar(
        sa.select(Owner.id)
        .where(
            Owner.last_name == details["last_name"],
            Owner.first_name == details["first_name"],
            Owner.telephone == details["telephone"],
        )
        .order_by(Owner.id)
        .limit(1)
    )


def export_rows(batch_size=1000):
    """Yield one CSV row per pet (one with blank pet columns for an owner without pets).

    Rows are streamed from the database ``batch_size`` at a time, never all loaded. The
    telephone is written as stored (E.164), which reads back the same whatever PHONE_REGION.
    """
    query = (
        sa.select(
            Owner.first_name,
            Owner.last_name,
            Owner.address,
            Owner.city,
            Owner.telephone,
            Owner.email,
            Pet.name,
            Pet.birth_date,
            PetType.name,
        )
        .outerjoin(Owner.pets)
        .outerjoin(Pet.type)
        .order_by(Owner.id, Pet.id)
        .execution_options(yield_per=batch_size)
    )
    for row in db.session.execute(query):
        values = ["" if value is None else str(value) for value in row]
        yield dict(zip(OWNER_COLUMNS, values))
