"""record versions: owners, pets, vets and appointments get a version number that every
UPDATE checks and increments (optimistic concurrency: a stale save is refused)

Revision ID: f72d7d90c88d
Revises: bcdc4889267b
Create Date: 2026-12-01 22:37:57.845907

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f72d7d90c88d'
down_revision = 'bcdc4889267b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))

    with op.batch_alter_table('owners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))

    with op.batch_alter_table('pets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))

    with op.batch_alter_table('vets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))



def downgrade():
    # A plain DROP COLUMN (SQLite 3.35+), not batch mode: batch would rebuild these tables
    # and lose the expression indexes SQLite cannot reflect (owner search, pet names).
    for table in ('vets', 'pets', 'owners', 'appointments'):
        op.drop_column(table, 'version')
