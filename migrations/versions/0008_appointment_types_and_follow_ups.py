"""appointment types (name, default length, colour, required specialty) and two optional
columns on appointments: its type, and the appointment it follows up

Revision ID: 8e4b2f6d1a37
Revises: 3c1d7e2a9b10
Create Date: 2026-12-02 01:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8e4b2f6d1a37'
down_revision = '3c1d7e2a9b10'
branch_labels = None
depends_on = None


# The new columns of appointments: (column, referenced table, ON DELETE).
COLUMNS = (
    ('type_id', 'appointment_types', 'RESTRICT'),
    ('follows_id', 'appointments', 'SET NULL'),
)


def upgrade():
    op.create_table('appointment_types',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('colour', sa.String(length=7), nullable=True),
    sa.Column('specialty_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('duration_minutes BETWEEN 15 AND 240', name=op.f('ck_appointment_types_duration_range')),
    sa.ForeignKeyConstraint(['specialty_id'], ['specialties.id'], name=op.f('fk_appointment_types_specialty_id_specialties'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment_types')),
    sa.UniqueConstraint('name', name=op.f('uq_appointment_types_name'))
    )
    op.create_index(op.f('ix_appointment_types_specialty_id'), 'appointment_types', ['specialty_id'], unique=False)
    # On SQLite a foreign key cannot be added to an existing table, so batch mode rebuilds
    # appointments there (with foreign keys off, migrations/env.py; its indexes and CHECK
    # constraints are carried over); on PostgreSQL these are plain ALTER TABLEs.
    with op.batch_alter_table('appointments') as batch_op:
        for column, target, on_delete in COLUMNS:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                f'fk_appointments_{column}_{target}', target, [column], ['id'], ondelete=on_delete
            )
    op.create_index(op.f('ix_appointments_type_id'), 'appointments', ['type_id'], unique=False)
    op.create_index(op.f('ix_appointments_follows_id'), 'appointments', ['follows_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_appointments_follows_id'), table_name='appointments')
    op.drop_index(op.f('ix_appointments_type_id'), table_name='appointments')
    with op.batch_alter_table('appointments') as batch_op:
        for column, target, _ in reversed(COLUMNS):
            batch_op.drop_constraint(f'fk_appointments_{column}_{target}', type_='foreignkey')
            batch_op.drop_column(column)
    op.drop_index(op.f('ix_appointment_types_specialty_id'), table_name='appointment_types')
    op.drop_table('appointment_types')
