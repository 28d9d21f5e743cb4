"""Moving a pet to another owner, with its whole history (visits, appointments, vaccinations,
weights and alerts belong to the pet and go with it)."""

from sqlalchemy.exc import IntegrityError
from wtforms import IntegerField, SubmitField
from wtforms.validators import InputRequired

from app.audit import record_event
from app.concurrency import VersionField, saving
from app.constraints import violation
from app.extensions import db
from app.forms import PageForm, WholeNumberRange
from app.i18n import _, _l
from app.routing import MAX_ID


class TransferRefused(Exception):
    """The pet cannot go to that owner (a pet of the same name there, the owner gone)."""


class TransferForm(PageForm):
    """The owner a pet moves to, and the pet's version as the page showed it."""

    new_owner_id = IntegerField(
        _l("New owner"),
        validators=[InputRequired(), WholeNumberRange(1, MAX_ID, _l("Choose an owner."))],
    )
    version = VersionField()
    submit = SubmitField(_l("Move"))


def transfer_pet(pet, old_owner, new_owner, version):
    """Make ``new_owner`` the owner of ``pet`` (of ``old_owner``), audited on all three.

    The unique index on (owner_id, lower(name)) decides a clash, also with a pet added or
    moved there at the same moment; only the savepoint is rolled back. Raises
    TransferRefused, or ChangedMeanwhile when the pet was saved since ``version``.
    """
    if new_owner.id == old_owner.id:
        raise TransferRefused(_("%(pet)s is %(owner)s's already.", pet=pet.name,
                                owner=old_owner.full_name))
    name = pet.name
    try:
        with db.session.begin_nested(), saving(pet, version):
            pet.owner_id = new_owner.id
    except IntegrityError as error:
        refusal = violation(error)
        if refusal is None:
            raise
        raise TransferRefused(_("%(pet)s was not moved to %(owner)s: %(reason)s", pet=name,
                                owner=new_owner.full_name, reason=refusal.message)) from None
    moved = f"pet {name} (#{pet.id})"
    record_event("transfer", pet, f"moved from owner #{old_owner.id} ({old_owner.full_name}) "
                                  f"to owner #{new_owner.id} ({new_owner.full_name})")
    record_event("transfer", old_owner, f"{moved} moved to owner #{new_owner.id} ({new_owner.full_name})")
    record_event("transfer", new_owner, f"{moved} moved here from owner #{old_owner.id} "
                                        f"({old_owner.full_name})")
    db.session.flush()
    return pet
