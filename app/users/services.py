"""Changing staff accounts: the rules the staff pages, the API and `flask users` share.

An account's role, vet and state change only through change_account (and deactivation
through deactivate_account), so the guards hold on every path: nobody demotes or
deactivates their own account, and the clinic always keeps an active administrator.
"""

import sqlalchemy as sa

from app.auth.services import AccountError, end_sessions, set_password
from app.extensions import db
from app.i18n import _
from app.models import Role, User, Vet


def other_active_admins(account):
    """How many active administrators there are besides ``account``, with their rows locked.

    Locked in id order, so two admins demoting each other at once cannot both see the other
    still there (PostgreSQL; SQLite's writers are serialised already).
    """
    others = db.session.scalars(
        sa.select(User.id)
        .where(User.role == Role.ADMIN, User.active, User.id != account.id)
        .order_by(User.id)
        .with_for_update()
    ).all()
    return len(others)


def refuse_losing_admin(account, role, active, acting=None):
    """AccountError if the change would demote or deactivate oneself or the last admin."""
    if account.role is not Role.ADMIN or (role is Role.ADMIN and active):
        return
    field = "active" if not active else "role"
    if acting is not None and acting.id == account.id:
        raise AccountError(_("You cannot demote or deactivate your own account."), field=field)
    if account.active and other_active_admins(account) == 0:
        raise AccountError(
            _("%(username)s is the only active administrator: make another account an "
              "administrator first.", username=account.username),
            field=field,
        )


def change_account(account, role, vet_id, active, password=None, acting=None):
    """Give an account a role, a vet (or None), a state and optionally a new password.

    ``acting`` is the signed-in user making the change (None from the command line).
    Deactivating an account, or giving it a new password, ends its sessions.
    """
    role = Role(role)
    refuse_losing_admin(account, role, active, acting)
    if vet_id is not None and db.session.get(Vet, vet_id) is None:
        raise AccountError(_("There is no vet with id %(id)d.", id=vet_id), field="vet_id")
    if password:
        set_password(account, password)
    if account.active and not active:
        end_sessions(account.id)
    account.role, account.vet_id, account.active = role, vet_id, active
    db.session.flush()
    return account


def deactivate_account(account, acting=None):
    """Stop an account from signing in, under the same guards; its sessions end at once."""
    return change_account(account, account.role, account.vet_id, False, acting=acting)
