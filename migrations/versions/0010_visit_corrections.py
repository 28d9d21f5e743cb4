"""visit corrections: a visit's author (the account that wrote it) and version, for the
correction window and optimistic concurrency; visit_addenda, the text added to a visit
once it is locked (never changed, deleted only with its visit)

Revision ID: 654cc46ac49b
Revises: d25f88340957
Create Date: 2026-12-03 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '654cc46ac49b'
down_revision = 'd25f88340957'
branch_labels = None
depends_on = None


def upgrade():
    # On SQLite a foreign key cannot be added to an existing table, so batch mode rebuilds
    # visits there (with foreign keys off, migrations/env.py; nothing refers to visits yet,
    # and it has no expression index to lose); on PostgreSQL these are plain ALTER TABLEs.
    # Visits recorded before this have no author: only an administrator may correct them,
    # and only inside their window.
    with op.batch_alter_table('visits') as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('author_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            'fk_visits_author_id_users', 'users', ['author_id'], ['id'], ondelete='RESTRICT'
        )
    op.create_index(op.f('ix_visits_author_id'), 'visits', ['author_id'], unique=False)
    op.create_table('visit_addenda',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('text', sa.String(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_visit_addenda_author_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_visit_addenda_visit_id_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_addenda'))
    )
    op.create_index(op.f('ix_visit_addenda_author_id'), 'visit_addenda', ['author_id'], unique=False)
    op.create_index(op.f('ix_visit_addenda_visit_id'), 'visit_addenda', ['visit_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_visit_addenda_visit_id'), table_name='visit_addenda')
    op.drop_index(op.f('ix_visit_addenda_author_id'), table_name='visit_addenda')
    op.drop_table('visit_addenda')
    op.drop_index(op.f('ix_visits_author_id'), table_name='visits')
    with op.batch_alter_table('visits') as batch_op:
        batch_op.drop_constraint('fk_visits_author_id_users', type_='foreignkey')
        batch_op.drop_column('author_id')
        batch_op.drop_column('version')
