"""indexes for the audit page: the newest entries, and one person's

Written by hand. /audit lists the whole trail newest first, optionally of one actor; the
trail only grows, so without these each page would sort all of it. (at) serves the
unfiltered list and the date range, (actor, at) the "who" filter; a record's own trail
already has ix_audit_entries_entity. Plain CREATE INDEX on both databases (no table
rebuild).

Revision ID: f4c2c5c09627
Revises: c60e5c62bffb
Create Date: 2026-12-02 04:30:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f4c2c5c09627'
down_revision = 'c60e5c62bffb'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(op.f('ix_audit_entries_at'), 'audit_entries', ['at'], unique=False)
    op.create_index(op.f('ix_audit_entries_actor_at'), 'audit_entries', ['actor', 'at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_audit_entries_actor_at'), table_name='audit_entries')
    op.drop_index(op.f('ix_audit_entries_at'), table_name='audit_entries')
