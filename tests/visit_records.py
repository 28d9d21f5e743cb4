"""Shared by the visit correction tests of the pages and of the API: a visit written by the
'vet' account, a second vet's account, and ageing a visit in the database."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth.services import create_user
from app.models import AuditEntry, User, Visit, VisitAddendum
from app.models.columns import utcnow
from tests import factories as f
from tests.staff import PASSWORD, ensure_staff

WINDOW = timedelta(hours=24)  # VISIT_CORRECTION_HOURS' default


@pytest.fixture
def record(app, dbs):
    """A visit written by the 'vet' account just now, and a second vet's account 'vet2'."""
    ensure_staff(app)
    with dbs() as session:
        create_user("vet2", PASSWORD, "vet")
        owner = f.owner(session)
        pet = f.pet(session, owner, name="Leo")
        vet = f.vet(session, last_name="Carter")
        author = session.scalar(sa.select(User.id).where(User.username == "vet"))
        visit = f.visit(session, pet, vet, description="Limping, left fore.", author_id=author)
        session.commit()
        return {"owner_id": owner.id, "pet_id": pet.id, "visit_id": visit.id, "vet_id": vet.id,
                "author_id": author,
                "page": f"/owners/{owner.id}/pets/{pet.id}/visits/{visit.id}"}


def age(dbs, visit_id, by):
    """Make the visit ``by`` older, by moving its created_at back in the database."""
    with dbs() as session:
        session.execute(sa.update(Visit).where(Visit.id == visit_id)
                        .values(created_at=utcnow() - by))
        session.commit()


def stored(dbs, visit_id):
    """(description, version) of the visit as stored."""
    with dbs() as session:
        visit = session.get(Visit, visit_id)
        return visit.description, visit.version


def addenda_texts(dbs, visit_id):
    """The texts of the visit's addenda, oldest first."""
    with dbs() as session:
        return session.scalars(sa.select(VisitAddendum.text).where(VisitAddendum.visit_id == visit_id)
                               .order_by(VisitAddendum.id)).all()


def trail(dbs, visit_id):
    """(actor, action, summary) of the visit's audit entries, oldest first."""
    with dbs() as session:
        rows = session.execute(
            sa.select(AuditEntry.actor, AuditEntry.action, AuditEntry.summary)
            .where(AuditEntry.entity_type == "visit", AuditEntry.entity_id == visit_id)
            .order_by(AuditEntry.id)
        )
        return [tuple(row) for row in rows]
