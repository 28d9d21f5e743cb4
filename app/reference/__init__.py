"""Reference data: pet types and specialties."""

from app.reference.services import DuplicateName, add_named, list_named

__all__ = ["DuplicateName", "add_named", "list_named"]
