"""pet weights: kilograms (NUMERIC(6, 2), exact), the day, and where they were taken

The model reads and writes kilograms through app.models.weight.Kilograms (Decimals of at
most two places on both databases); the column itself is plain NUMERIC(6, 2).

Revision ID: bff013791cf7
Revises: 654cc46ac49b
Create Date: 2026-12-03 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'bff013791cf7'
down_revision = '654cc46ac49b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pet_weights',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pet_id', sa.Integer(), nullable=False),
    sa.Column('kilograms', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('appointment_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('kilograms > 0 AND kilograms < 10000', name=op.f('ck_pet_weights_kilograms_range')),
    sa.ForeignKeyConstraint(['pet_id'], ['pets.id'], name=op.f('fk_pet_weights_pet_id_pets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_pet_weights_visit_id_visits'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], name=op.f('fk_pet_weights_appointment_id_appointments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_pet_weights_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pet_weights'))
    )
    op.create_index('ix_pet_weights_pet_id_recorded_on', 'pet_weights', ['pet_id', 'recorded_on'], unique=False)
    op.create_index(op.f('ix_pet_weights_visit_id'), 'pet_weights', ['visit_id'], unique=False)
    op.create_index(op.f('ix_pet_weights_appointment_id'), 'pet_weights', ['appointment_id'], unique=False)
    op.create_index(op.f('ix_pet_weights_recorded_by_id'), 'pet_weights', ['recorded_by_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_pet_weights_recorded_by_id'), table_name='pet_weights')
    op.drop_index(op.f('ix_pet_weights_appointment_id'), table_name='pet_weights')
    op.drop_index(op.f('ix_pet_weights_visit_id'), table_name='pet_weights')
    op.drop_index('ix_pet_weights_pet_id_recorded_on', table_name='pet_weights')
    op.drop_table('pet_weights')
