"""Home page view."""

import sqlalchemy as sa
from flask import Blueprint, redirect, render_template
from flask_login import current_user

from app.appointments.schedule import todays_counts
from app.auth.routes import landing_page
from app.clinic import clinic_today
from app.extensions import db
from app.models import Message, MessageStatus, Owner, Pet, Vet

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """The front desk's start page: counts and where to go next (a vet's is their week)."""
    if current_user.vet_id is not None:
        return redirect(landing_page(current_user))
    counts = db.session.execute(
        sa.select(
            sa.select(sa.func.count(Owner.id)).scalar_subquery().label("owners"),
            sa.select(sa.func.count(Pet.id)).scalar_subquery().label("pets"),
            sa.select(sa.func.count(Vet.id)).where(Vet.active).scalar_subquery().label("vets"),
            # Messages to owners that could not be sent: someone should look (the outbox).
            sa.select(sa.func.count(Message.id)).where(Message.status == MessageStatus.FAILED)
            .scalar_subquery().label("failed_messages"),
        )
    ).one()
    today = clinic_today()
    return render_template(
        "main/index.html", counts=counts, today=today, per_vet=todays_counts(today)
    )
