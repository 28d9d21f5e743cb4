"""The outbox for administrators: messages by status, one message, retry and cancel."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from app.audit import current_actor
from app.auth.permissions import permission_required
from app.extensions import db
from app.i18n import _
from app.messages.sender import email_for
from app.messages.services import (
    MessageRefused,
    cancel_message,
    outbox_query,
    retry_message,
    status_counts,
)
from app.models import Message, MessageStatus
from app.pagination import page_number

bp = Blueprint("messages", __name__, url_prefix="/messages")

STATUSES = {status.value for status in MessageStatus}


@bp.get("")
@permission_required("messages.manage")
def outbox():
    """Messages newest first, all or of one status (?status=), a page at a time."""
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        abort(400, description=_("Show messages by status: pending, sent, failed or cancelled."))
    status = MessageStatus(status) if status else None
    page = db.paginate(outbox_query(status), page=page_number(),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("messages/outbox.html", page=page, status=status,
                           counts=status_counts(), statuses=list(MessageStatus))


@bp.get("/<int:message_id>")
@permission_required("messages.manage")
def detail(message_id):
    """One message as it goes out: its headers and its text, with its delivery record."""
    message = db.first_or_404(
        outbox_query().where(Message.id == message_id), description=_("There is no such message.")
    )
    try:
        headers = email_for(message).items()
    except ValueError as error:  # what the sender refuses too: shown, not a 500
        headers = []
        flash(_("This message cannot be sent as it is: %(error)s", error=error), "danger")
    headers = [(name, value) for name, value in headers if not name.startswith("Content-")
               and name != "MIME-Version"]
    return render_template("messages/detail.html", message=message, headers=headers)


def _change(message_id, change, done):
    """Apply a retry or cancel under the row's lock; say what happened; back to the message."""
    try:
        change(message_id)
    except MessageRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "warning")
        if db.session.get(Message, message_id) is None:
            abort(404, description=_("There is no such message."))
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for("messages.detail", message_id=message_id))


@bp.post("/<int:message_id>/retry")
@permission_required("messages.manage")
def retry(message_id):
    """Send a failed message again (pending, due now, attempts from zero)."""
    return _change(message_id, retry_message, _("The message is pending again: the sender "
                                                "will try it on its next pass."))


@bp.post("/<int:message_id>/cancel")
@permission_required("messages.manage")
def cancel(message_id):
    """Withdraw a pending message."""
    return _change(message_id, lambda message_id: cancel_message(message_id, current_actor()),
                   _("The message is cancelled: it will not be sent."))
