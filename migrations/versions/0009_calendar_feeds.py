"""calendar feeds: each vet's private iCalendar subscription (the digest of its secret URL)

Revision ID: d25f88340957
Revises: 8e4b2f6d1a37
Create Date: 2026-12-02 01:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd25f88340957'
down_revision = '8e4b2f6d1a37'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_feeds',
    sa.Column('vet_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['vet_id'], ['vets.id'], name=op.f('fk_calendar_feeds_vet_id_vets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('vet_id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_calendar_feeds_token_digest'))
    )


def downgrade():
    op.drop_table('calendar_feeds')
