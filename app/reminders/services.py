"""Dismissing a reminder: the desk will not follow it up, and says why."""

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.audit import current_actor
from app.constraints import constraint_name
from app.extensions import db
from app.i18n import _
from app.models import DismissalReason, ReminderDismissal, Vaccination
from app.reminders.due import reminders

UNIQUE_DISMISSAL = "uq_reminder_dismissals_reminder"


class DismissalRefused(ValueError):
    """The reminder cannot be dismissed: not open (completed, dismissed) or unknown."""


def dismiss_reminder(pet_id, vaccine_type_id, due_on, reason):
    """Dismiss the pet's reminder of a vaccine type due on a day; DismissalRefused if not open."""
    if not isinstance(reason, DismissalReason):
        raise DismissalRefused(_("Choose why the reminder is dismissed."))
    open_reminder = db.session.scalar(
        reminders()
        .with_only_columns(Vaccination.id)
        .where(
            Vaccination.pet_id == pet_id,
            Vaccination.vaccine_type_id == vaccine_type_id,
            Vaccination.next_due_on == due_on,
        )
        .limit(1)
    )
    if open_reminder is None:
        raise DismissalRefused(
            _("That reminder is no longer open: a later vaccination completed it, "
              "or it was dismissed already.")
        )
    dismissal = ReminderDismissal(
        pet_id=pet_id, vaccine_type_id=vaccine_type_id, due_on=due_on, reason=reason,
        dismissed_by=current_actor()[:80],
    )
    try:
        with db.session.begin_nested():
            db.session.add(dismissal)
    except IntegrityError as error:  # another desk dismissed it at the same moment
        if constraint_name(error) != UNIQUE_DISMISSAL:
            raise
        raise DismissalRefused(_("That reminder was dismissed already.")) from None
    return dismissal


def dismissals_of(pet_id):
    """The pet's dismissed reminders, by due date."""
    return db.session.scalars(
        sa.select(ReminderDismissal)
        .where(ReminderDismissal.pet_id == pet_id)
        .order_by(ReminderDismissal.due_on)
    ).all()
