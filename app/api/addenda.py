"""Addenda of visits, outside the Spring contract: a locked visit takes only these.

An addendum is signed by the staff member who sends it and is never changed or deleted
(it goes only with its visit).
"""

import marshmallow as ma
import sqlalchemy as sa
from flask import current_app
from flask_login import current_user
from marshmallow import fields, validate
from sqlalchemy.orm import joinedload

from app.api.fields import Text
from app.api.resources import found_or_404, operation
from app.api.schemas import RequestSchema
from app.extensions import db
from app.models import Visit, VisitAddendum
from app.validation import max_length
from app.visits.services import add_addendum

ADDENDA = "/visits/<int:visit_id>/addenda"


class AddendumFieldsSchema(RequestSchema):
    """What an addendum says."""

    text = Text(required=True, validate=validate.Length(1, max_length(VisitAddendum.text)))


class AddendumSchema(ma.Schema):
    """An addendum to a visit: who wrote what, when (UTC)."""

    id = fields.Integer(required=True)
    visit_id = fields.Integer(data_key="visitId", required=True)
    author_id = fields.Integer(data_key="authorId", required=True)
    author = fields.String(required=True, attribute="author.username",
                           metadata={"description": "The author's username."})
    created_at = fields.AwareDateTime(data_key="createdAt", required=True)
    text = fields.String(required=True)


def addenda_of(visit_id):
    """The visit's addenda, oldest first, with their authors."""
    return db.session.scalars(
        sa.select(VisitAddendum)
        .options(joinedload(VisitAddendum.author))
        .where(VisitAddendum.visit_id == visit_id)
        .order_by(VisitAddendum.id)
    ).all()


@operation("GET", ADDENDA, "owners.view", tags=["visits"], response=AddendumSchema(many=True),
           errors=[404])
def list_addenda(visit_id):
    """Lists a visit's addenda, oldest first (an addition to the Spring contract)."""
    found_or_404(Visit, visit_id)
    return addenda_of(visit_id)


@operation("POST", ADDENDA, "visits.record", tags=["visits"], body=AddendumFieldsSchema,
           response=AddendumSchema, status=201, errors=[404])
def add_addendum_to_visit(fields, visit_id):
    """Adds an addendum to a visit, locked or not, signed by the caller (an addition to the
    Spring contract). Addenda are never changed or deleted."""
    visit = found_or_404(Visit, visit_id)
    author_id = current_user.id if current_app.config["API_AUTH_ENABLED"] else None
    addendum = add_addendum(visit, fields["text"], author_id)
    db.session.commit()
    return db.session.get(VisitAddendum, addendum.id, options=[joinedload(VisitAddendum.author)],
                          populate_existing=True)
