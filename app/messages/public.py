"""The unsubscribe page every message links to: public, no sign-in; the signed token is the key.

GET shows what the owner is about to stop and a button; only the POST records it, so a mail
scanner that follows links changes nothing. The POST is exempt from CSRF: a forged request
would need the owner's own signed token, which only their messages carry. The same POST
serves one-click unsubscribe from mail programs (RFC 8058: List-Unsubscribe-Post).
"""

import sqlalchemy as sa
from flask import Blueprint, current_app, render_template, request

from app.extensions import csrf, db
from app.i18n import _, in_language
from app.messages.tokens import TokenRefused, owner_id_from
from app.models import Message, MessageKind, MessageStatus, Owner
from app.owners.services import record_consent

bp = Blueprint("unsubscribe", __name__)

# Who recorded an opt-out made on this page (the audit trail's name for it too).
BY_OWNER = "owner (unsubscribe link)"


def opt_out(owner):
    """Record the owner's opt-out and withdraw their pending messages that need consent."""
    record_consent(owner, False, by=BY_OWNER)
    db.session.execute(
        sa.update(Message)
        .where(
            Message.owner_id == owner.id,
            Message.status == MessageStatus.PENDING,
            Message.kind.in_([kind for kind in MessageKind if not kind.transactional]),
        )
        .values(status=MessageStatus.CANCELLED, last_response="The owner unsubscribed.")
    )


# Reachable without signing in (app.auth.routes.PUBLIC_ENDPOINTS).
@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def confirm(token):
    """Ask (GET), then record (POST) that the token's owner wants no more reminders."""
    clinic = current_app.config["CLINIC_NAME"]
    try:
        owner_id = owner_id_from(token)
    except TokenRefused as refusal:
        return render_template("messages/unsubscribe.html", clinic=clinic, refusal=str(refusal)), 400
    owner = db.session.get(Owner, owner_id, with_for_update=request.method == "POST")
    if owner is None:
        refusal = _("There is nothing to unsubscribe: the clinic no longer keeps these details.")
        return render_template("messages/unsubscribe.html", clinic=clinic, refusal=refusal), 404
    if request.method == "POST":
        opt_out(owner)
        db.session.commit()
    # In the language of the owner's messages, if they have one: they come from one of them.
    with in_language(owner.language):
        if request.method == "POST":
            return render_template("messages/unsubscribe.html", clinic=clinic, owner=owner,
                                   done=True)
        return render_template("messages/unsubscribe.html", clinic=clinic, owner=owner, token=token)


csrf.exempt(confirm)
