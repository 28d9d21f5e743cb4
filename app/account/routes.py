"""Your account: the page any signed-in staff member has for their own settings."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import refresh
from flask_login import current_user

from app.account.forms import LanguageForm
from app.extensions import db
from app.i18n import _, language_name

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("", methods=["GET", "POST"])
def edit():
    """Choose the language of one's pages (stored on the account, so it follows one around)."""
    form = LanguageForm(data={"locale": current_user.locale or ""})
    if form.validate_on_submit():
        current_user.locale = form.locale.data or None
        db.session.commit()
        refresh()  # the confirmation below is written in the language just chosen
        if current_user.locale:
            flash(_("Your pages are in %(language)s now.", language=language_name(current_user.locale)),
                  "success")
        else:
            flash(_("Your pages follow your browser's language now."), "success")
        return redirect(url_for("account.edit"))
    return render_template("account/edit.html", form=form)
