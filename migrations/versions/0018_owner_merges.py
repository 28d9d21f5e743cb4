"""duplicate owners and merges: the telephone index for the duplicate warning, and owner_merges

Written by hand. The duplicate warning (app/owners/duplicates.py) looks owners up by their
stored E.164 telephone, a full scan before this index (its email and name rules read the
search box's folded columns and their indexes, migration 0020). Plain CREATE INDEX on both
databases (no table rebuild: the owners' expression index stays).
owner_merges keeps, for each owner merged away, the owner it was merged into, so that the
removed owner's old links lead somewhere; it goes when the kept owner is deleted.

Revision ID: 4d6e7605ad59
Revises: f4c2c5c09627
Create Date: 2026-12-02 04:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4d6e7605ad59'
down_revision = 'f4c2c5c09627'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_owners_telephone', 'owners', ['telephone'], unique=False)
    op.create_table('owner_merges',
    sa.Column('removed_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('kept_id', sa.Integer(), nullable=False),
    sa.Column('merged_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['kept_id'], ['owners.id'], name=op.f('fk_owner_merges_kept_id_owners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('removed_id', name=op.f('pk_owner_merges'))
    )
    op.create_index(op.f('ix_owner_merges_kept_id'), 'owner_merges', ['kept_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_owner_merges_kept_id'), table_name='owner_merges')
    op.drop_table('owner_merges')
    op.drop_index('ix_owners_telephone', table_name='owners')
