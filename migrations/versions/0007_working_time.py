"""working time: the clinic's opening hours per weekday and its closures, each vet's weekly
rota (hours and a break) and absences; a clinic without hours keeps CLINIC_OPENS–CLINIC_CLOSES

Revision ID: 3c1d7e2a9b10
Revises: 6a1f0e9c2b47
Create Date: 2026-12-02 00:59:06.720308

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c1d7e2a9b10'
down_revision = '6a1f0e9c2b47'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('clinic_closures',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_clinic_closures'))
    )
    op.create_table('clinic_hours',
    sa.Column('weekday', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('opens', sa.Time(), nullable=True),
    sa.Column('closes', sa.Time(), nullable=True),
    sa.CheckConstraint('(opens IS NULL AND closes IS NULL) OR (opens IS NOT NULL AND closes IS NOT NULL AND opens < closes)', name=op.f('ck_clinic_hours_opens_before_closes')),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_clinic_hours_weekday_range')),
    sa.PrimaryKeyConstraint('weekday', name=op.f('pk_clinic_hours'))
    )
    op.create_table('vet_absences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vet_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.String(length=120), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_vet_absences_ends_after_start')),
    sa.ForeignKeyConstraint(['vet_id'], ['vets.id'], name=op.f('fk_vet_absences_vet_id_vets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vet_absences'))
    )
    op.create_index('ix_vet_absences_vet_id_starts_at', 'vet_absences', ['vet_id', 'starts_at'], unique=False)
    op.create_table('vet_rota',
    sa.Column('vet_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('starts', sa.Time(), nullable=False),
    sa.Column('ends', sa.Time(), nullable=False),
    sa.Column('break_starts', sa.Time(), nullable=True),
    sa.Column('break_ends', sa.Time(), nullable=True),
    sa.CheckConstraint('(break_starts IS NULL AND break_ends IS NULL) OR (break_starts IS NOT NULL AND break_ends IS NOT NULL AND starts < break_starts AND break_starts < break_ends AND break_ends < ends)', name=op.f('ck_vet_rota_break_within_hours')),
    sa.CheckConstraint('starts < ends', name=op.f('ck_vet_rota_starts_before_ends')),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_vet_rota_weekday_range')),
    sa.ForeignKeyConstraint(['vet_id'], ['vets.id'], name=op.f('fk_vet_rota_vet_id_vets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('vet_id', 'weekday', name=op.f('pk_vet_rota'))
    )


def downgrade():
    op.drop_table('vet_rota')
    op.drop_index('ix_vet_absences_vet_id_starts_at', table_name='vet_absences')
    op.drop_table('vet_absences')
    op.drop_table('clinic_hours')
    op.drop_table('clinic_closures')
