"""owner search index: first_name and id, so a page of the list needs no sort; last_name
included, so PostgreSQL counts matches from the index

Revision ID: 674093dd5555
Revises: 359203e22b1c
Create Date: 2026-11-22 02:58:40.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '674093dd5555'
down_revision = '359203e22b1c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('owners', schema=None) as batch_op:
        batch_op.drop_index('ix_owners_last_name_lower')
        batch_op.create_index(
            'ix_owners_last_name_lower',
            [sa.func.lower(sa.column('last_name')).label('last_name_lower'), 'first_name', 'id'],
            unique=False,
            postgresql_ops={'last_name_lower': 'text_pattern_ops'},
            postgresql_include=['last_name'],
        )


def downgrade():
    with op.batch_alter_table('owners', schema=None) as batch_op:
        batch_op.drop_index('ix_owners_last_name_lower')
        batch_op.create_index(
            'ix_owners_last_name_lower',
            [sa.func.lower(sa.column('last_name')).label('last_name_lower')],
            unique=False,
            postgresql_ops={'last_name_lower': 'text_pattern_ops'},
        )
