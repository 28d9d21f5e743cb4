"""Pet types and specialties: list, add, get, rename, delete (administrators change them)."""

from flask import url_for

from app.api.blueprint import LOCATION
from app.api.resources import found_or_404, operation, saved
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
    one, tags = f"/{path}/<int:row_id>", [path]

    @operation("GET", f"/{path}", view_permission, tags=tags, endpoint=f"list_{path}",
               response=schema(many=True),
               doc={"summary": f"Lists {label}s", "description": f"Every {label}, by name."})
    def list_rows():
        return list_named(model)

    @operation("POST", f"/{path}", "reference.manage", tags=tags, endpoint=f"add_{path}",
               body=fields_schema, response=schema, status=201, headers=LOCATION, errors=[409],
               doc={"summary": f"Adds a {label}",
                    "description": "Names are stored in lower case; 409 if taken."})
    def add_row(fields):
        row = add_named(model, fields["name"])
        db.session.commit()
        return row, 201, {"Location": url_for(f"api.get_{path}", row_id=row.id)}

    @operation("GET", one, view_permission, tags=tags, endpoint=f"get_{path}", response=schema,
               errors=[404], doc={"summary": f"Gets a {label} by id"})
    def get_row(row_id):
        return found_or_404(model, row_id)

    @operation("PUT", one, "reference.manage", tags=tags, endpoint=f"update_{path}",
               body=fields_schema, status=204, errors=[404, 409],
               doc={"summary": f"Renames a {label}", "description": "204, no body."})
    def update_row(fields, row_id):
        saved(found_or_404(model, row_id), rename_named, fields["name"])

    @operation("DELETE", one, "reference.manage", tags=tags, endpoint=f"delete_{path}",
               status=204, errors=[404, 409],
               doc={"summary": f"Deletes a {label}",
                    "description": "204, no body; 409 while still in use."})
    def delete_row(row_id):
        saved(found_or_404(model, row_id), delete_named)


name_routes("pettypes", PetType, "pet type", PetTypeFieldsSchema, PetTypeSchema, "owners.view")
name_routes(
    "specialties", Specialty, "specialty", SpecialtyFieldsSchema, SpecialtySchema, "vets.view"
)
