"""Pet types and specialties: list, add, get, rename, delete (administrators change them)."""

from flask import url_for

from app.api.auth import requires
from app.api.blueprint import LOCATION, bp
from app.api.schemas import (
    PetTypeFieldsSchema,
    PetTypeSchema,
    SpecialtyFieldsSchema,
    SpecialtySchema,
)
from app.extensions import db
from app.models import PetType, Specialty
from app.reference.services import add_named, delete_named, list_named, rename_named


def name_routes(path, model, label, fields_schema, schema, view_permission):
    """The five routes of a name-only resource at /<path> (the contract's shape for both)."""
    one = f"/{path}/<int:row_id>"
    tags = [path]

    def row_or_404(row_id):
        return db.get_or_404(model, row_id, description=f"There is no {label} with id {row_id}.")

    @bp.route(f"/{path}", methods=["GET"], tags=tags, endpoint=f"list_{path}")
    @requires(view_permission)
    @bp.response(200, schema(many=True))
    @bp.doc(summary=f"Lists {label}s", description=f"Every {label}, by name.")
    def list_rows():
        return list_named(model)

    @bp.route(f"/{path}", methods=["POST"], tags=tags, endpoint=f"add_{path}")
    @requires("reference.manage")
    @bp.arguments(fields_schema)
    @bp.response(201, schema, headers=LOCATION)
    @bp.errors(409)
    @bp.doc(summary=f"Adds a {label}", description="Names are stored in lower case; 409 if taken.")
    def add_row(fields):
        row = add_named(model, fields["name"])
        db.session.commit()
        return row, 201, {"Location": url_for(f"api.get_{path}", row_id=row.id)}

    @bp.route(one, methods=["GET"], tags=tags, endpoint=f"get_{path}")
    @requires(view_permission)
    @bp.response(200, schema)
    @bp.errors(404)
    @bp.doc(summary=f"Gets a {label} by id")
    def get_row(row_id):
        return row_or_404(row_id)

    @bp.route(one, methods=["PUT"], tags=tags, endpoint=f"update_{path}")
    @requires("reference.manage")
    @bp.arguments(fields_schema)
    @bp.response(200, schema)
    @bp.errors(404, 409)
    @bp.doc(summary=f"Renames a {label}")
    def update_row(fields, row_id):
        row = rename_named(row_or_404(row_id), fields["name"])
        db.session.commit()
        return row

    @bp.route(one, methods=["DELETE"], tags=tags, endpoint=f"delete_{path}")
    @requires("reference.manage")
    @bp.response(200, schema)
    @bp.errors(404, 409)
    @bp.doc(summary=f"Deletes a {label}", description="409 while pets still have the pet type.")
    def delete_row(row_id):
        row = row_or_404(row_id)
        delete_named(row)
        db.session.commit()
        return row


name_routes("pettypes", PetType, "pet type", PetTypeFieldsSchema, PetTypeSchema, "owners.view")
name_routes(
    "specialties", Specialty, "specialty", SpecialtyFieldsSchema, SpecialtySchema, "vets.view"
)
