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


def _parent_columns(collection):
    """The parent's attribute, and the column beside each child that holds its value."""
    prop = collection.property
    ((local, remote),) = prop.synchronize_pairs  # owners.id -> pets.owner_id, or to the
    return prop.parent.get_property_by_column(local).key, remote  # association table's


def collection_statement(collection, *options, where=None):
    """A select of (parent id, child) for the parents of a ``collection``: one-to-many or
    many-to-many (through its association table).

    In the relationship's own order; ``where`` narrows it (upcoming appointments only),
    ``options`` load what the children show. Execute with ``fill``.
    """
    prop = collection.property
    _, parent_id = _parent_columns(collection)
    statement = sa.select(parent_id, prop.entity)
    if prop.secondary is not None:
        statement = statement.join_from(prop.entity, prop.secondary, prop.secondaryjoin)
    statement = statement.where(parent_id.in_(sa.bindparam(PARENT_IDS, expanding=True)))
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
    parent_key, _ = _parent_columns(collection)
    children = {getattr(parent, parent_key): [] for parent in parents}
    # unique(): a child's joined collections (a visit's addenda) repeat its row.
    for parent_id, child in db.session.execute(statement, {PARENT_IDS: list(children)}).unique():
        children[parent_id].append(child)
    name = collection.key
    for parent in parents:
        set_committed_value(parent, name, children[getattr(parent, parent_key)])
