"""One collection of many parents, loaded by one statement that is built once.

What ``selectinload`` does, for the pages that are read most (the owner page): SQLAlchemy
builds a selectinload's statement, its options and their cache key again on every load,
which measured 0.25 ms for each collection, most of what loading an owner's pets cost.
A statement built here once, at import or once a day, keeps its cache key memoized, and
loading a collection costs the database's work and the rows. The rule stays the one
DESIGN.md sets: one statement per collection, however many parents and children.

    VISITS = collection_statement(Pet.visits, joinedload(Visit.vet))
    fill(pets, Pet.visits, VISITS)   # every pet's visits, in the relationship's order
"""

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db

PARENT_IDS = "parent_ids"


def _columns(collection):
    """The parent's attribute and the child's column that join a one-to-many collection."""
    prop = collection.property
    ((local, remote),) = prop.local_remote_pairs
    return prop.parent.get_property_by_column(local).key, remote


def collection_statement(collection, *options, where=None):
    """A select of the children of a one-to-many ``collection`` for a list of parents.

    In the relationship's own order; ``where`` narrows it (upcoming appointments only),
    ``options`` load what the children show. Execute with ``fill``.
    """
    prop = collection.property
    _, remote = _columns(collection)
    statement = sa.select(prop.entity).where(
        remote.in_(sa.bindparam(PARENT_IDS, expanding=True))
    )
    if where is not None:
        statement = statement.where(where)
    if prop.order_by:
        statement = statement.order_by(*prop.order_by)
    return statement.options(*options)


def fill(parents, collection, statement):
    """Set ``collection`` of each loaded parent to its children, as a loader would.

    The values are committed, not changes: the session has nothing to flush afterwards, and
    a child's many-to-one back to its parent is answered from the identity map.
    """
    if not parents:
        return
    parent_key, remote = _columns(collection)
    child_key = collection.property.mapper.get_property_by_column(remote).key
    children = {getattr(parent, parent_key): [] for parent in parents}
    ids = list(children)
    for child in db.session.scalars(statement, {PARENT_IDS: ids}).unique():
        children[getattr(child, child_key)].append(child)
    name = collection.key
    for parent in parents:
        set_committed_value(parent, name, children[getattr(parent, parent_key)])
