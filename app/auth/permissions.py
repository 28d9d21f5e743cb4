"""What each role may do, checked on the server for every view and mirrored in the UI."""

import functools

from flask import abort
from flask_login import current_user

from app.i18n import _
from app.models import Role

RECEPTION = frozenset(
    {
        "owners.view",
        "owners.edit",
        "pets.edit",
        "pets.transfer",
        "appointments.view",
        "appointments.book",
        "vets.view",
        "reminders.view",
        "reminders.dismiss",
    }
)
VET = RECEPTION | {"appointments.complete", "visits.record", "vaccinations.record"}
ADMIN = VET | {
    "owners.delete",
    "owners.merge",
    "pets.delete",
    "visits.delete",
    "vets.manage",
    "reference.manage",
    "users.manage",
    "audit.view",
    "api.docs",  # a link to the API's documentation (the page itself is public)
    "schedule.manage",
    "messages.manage",
}

ROLE_PERMISSIONS = {Role.RECEPTION: RECEPTION, Role.VET: VET, Role.ADMIN: ADMIN}


def granted(user=None):
    """The permissions the (current) user holds: none when signed out."""
    user = user if user is not None else current_user
    return ROLE_PERMISSIONS.get(user.role, frozenset()) if user.is_authenticated else frozenset()


def can(permission, user=None):
    """Whether the (current) user holds a permission."""
    return permission in granted(user)


def permission_required(permission):
    """Decorate a view so that users without the permission get a 403 page."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if not can(permission):
                abort(403, description=_("Your role does not allow this. Ask an administrator."))
            return view(*args, **kwargs)

        return wrapped

    return decorator
