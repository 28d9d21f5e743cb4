"""Staff account pages: list, create, change role, vet, state or password."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.forms import UserForm
from app.auth.permissions import permission_required
from app.auth.services import AccountError, create_user, end_sessions
from app.extensions import db
from app.i18n import _, ngettext
from app.models import User
from app.models.columns import utcnow
from app.users.services import change_account

bp = Blueprint("users", __name__, url_prefix="/users")


@bp.get("")
@permission_required("users.manage")
def index():
    """Every account."""
    accounts = db.session.scalars(sa.select(User).order_by(User.username)).all()
    return render_template("users/list.html", accounts=accounts, now=utcnow())


@bp.route("/new", methods=["GET", "POST"])
@permission_required("users.manage")
def new():
    """Create an account."""
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = create_user(
                form.username.data,
                form.password.data or "",
                form.role.data,
                form.vet_id.data or None,
                active=form.active.data,
            )
        except AccountError as error:
            form[error.field].errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Account %(name)s created.", name=user.username), "success")
            return redirect(url_for("users.index"))
    return render_template("users/form.html", form=form, account=None)


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@permission_required("users.manage")
def edit(user_id):
    """Change an account's role, vet, state, or password."""
    account = db.get_or_404(User, user_id)
    form = UserForm(obj=account)
    if request.method == "GET":
        form.vet_id.data = account.vet_id or 0
    if form.validate_on_submit():
        try:
            change_account(account, form.role.data, form.vet_id.data or None, form.active.data,
                           password=form.password.data, acting=current_user)
        except AccountError as error:
            form[error.field].errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Account %(name)s updated.", name=account.username), "success")
            return redirect(url_for("users.index"))
    form.username.render_kw = {"readonly": True}
    return render_template("users/form.html", form=form, account=account)


@bp.post("/<int:user_id>/sign-out")
@permission_required("users.manage")
def sign_out_everywhere(user_id):
    """End every session of an account at once: a lost laptop, a password seen by others."""
    account = db.get_or_404(User, user_id)
    ended = end_sessions(account.id)
    db.session.commit()
    flash(ngettext("%(username)s is signed out everywhere (%(num)d session ended).",
                   "%(username)s is signed out everywhere (%(num)d sessions ended).",
                   ended, username=account.username), "success")
    return redirect(url_for("users.index"))
