"""Each owner's communication log: every message to them, when, why, and what became of it."""

import sqlalchemy as sa
from flask import Blueprint, current_app, render_template

from app.auth.permissions import permission_required
from app.extensions import db
from app.models import Message, Owner
from app.pagination import page_number

bp = Blueprint("message_log", __name__)

# The owner page shows this many of the latest; the log page shows them all, paged.
RECENT = 5


def owner_messages(owner_id):
    """The owner's messages, newest first (served by ix_messages_owner_id_created_at)."""
    return (
        sa.select(Message)
        .where(Message.owner_id == owner_id)
        .order_by(Message.created_at.desc(), Message.id.desc())
    )


# The owner page's, built once (its cache key too): the owner is a parameter.
RECENT_MESSAGES = owner_messages(sa.bindparam("owner_id")).limit(RECENT + 1)


def recent_messages(owner_id):
    """The latest RECENT messages and whether there are more: one statement."""
    rows = db.session.scalars(RECENT_MESSAGES, {"owner_id": owner_id}).all()
    return rows[:RECENT], len(rows) > RECENT


@bp.get("/owners/<int:owner_id>/messages")
@permission_required("owners.view")
def owner_log(owner_id):
    """Every message to the owner, paged."""
    owner = db.get_or_404(Owner, owner_id)
    page = db.paginate(
        owner_messages(owner_id),
        page=page_number(),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template("messages/owner_log.html", owner=owner, page=page)
