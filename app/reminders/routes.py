"""The due list: owners to call about their pets' vaccinations; its CSV; dismissing one."""

from urllib.parse import parse_qsl

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)

from app.auth.permissions import permission_required
from app.clinic import clinic_today
from app.extensions import db
from app.i18n import _
from app.models import DismissalReason
from app.pagination import page_number
from app.reminders.call_list import csv_lines
from app.reminders.due import all_due, due_page, owners_due
from app.reminders.forms import FILTER_ARGS, REASONS, DismissForm, DueListForm
from app.reminders.services import DismissalRefused, dismiss_reminder

bp = Blueprint("reminders", __name__, url_prefix="/reminders")


def filter_args():
    """The list's filter arguments as the request gave them (for its links)."""
    return {name: request.args[name] for name in FILTER_ARGS if request.args.get(name)}


@bp.get("")
@permission_required("reminders.view")
def due_list():
    """Vaccinations due or overdue in a range: one row per owner with all their pets due."""
    form = DueListForm(request.args)
    if not form.validate():
        return render_template("reminders/due.html", form=form, page=None, rows=[],
                               args=filter_args(), reasons=REASONS), 400
    filters = form.filters()
    page = db.paginate(owners_due(filters), page=page_number(),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template(
        "reminders/due.html", form=form, page=page, rows=due_page(filters, page.items),
        filters=filters, args=filter_args(), reasons=REASONS, today=clinic_today(),
    )


@bp.get("/call-list.csv")
@permission_required("reminders.view")
def call_list():
    """The due list as CSV (the call list), every owner in the range, streamed."""
    form = DueListForm(request.args)
    if not form.validate():
        return render_template("reminders/due.html", form=form, page=None, rows=[],
                               args=filter_args(), reasons=REASONS), 400
    filters, today = form.filters(), clinic_today()
    body = stream_with_context(csv_lines(all_due(filters), today))
    filename = f"call-list-{filters.last_day.isoformat()}.csv"
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.post("/dismiss")
@permission_required("reminders.dismiss")
def dismiss():
    """Dismiss one reminder with a reason; back to the list as it was."""
    form = DismissForm()
    if form.validate_on_submit():
        try:
            dismiss_reminder(form.pet_id.data, form.vaccine_type_id.data, form.due_on.data,
                             DismissalReason(form.reason.data))
        except DismissalRefused as refusal:
            flash(str(refusal), "warning")
        else:
            db.session.commit()
            flash(_("Reminder dismissed."), "success")
    else:
        flash(_("That dismissal was not understood: choose a reason and try again."), "danger")
    back = {name: value for name, value in parse_qsl(form.back.data or "")
            if name in FILTER_ARGS + ("page",)}
    return redirect(url_for("reminders.due_list", **back))
