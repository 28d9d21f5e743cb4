"""reminder notices: what the reminder run queued (an appointment's reminder per start time,
each stage of a vaccination reminder), unique in the database so reruns queue nothing new

Written by hand. A notice goes with its message, appointment or pet (ON DELETE CASCADE); a
vaccine type with notices is restricted like one with vaccinations. New tables only.

Revision ID: c60e5c62bffb
Revises: 5b8e0c7d4a21
Create Date: 2026-12-02 04:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c60e5c62bffb'
down_revision = '5b8e0c7d4a21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('appointment_notices',
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], name=op.f('fk_appointment_notices_appointment_id_appointments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_appointment_notices_message_id_messages'), ondelete='CASCADE'),
    # One reminder per appointment and start time: the key two racing runs collide on.
    sa.PrimaryKeyConstraint('appointment_id', 'starts_at', name=op.f('pk_appointment_notices'))
    )
    op.create_index(op.f('ix_appointment_notices_message_id'), 'appointment_notices', ['message_id'], unique=False)
    op.create_table('vaccination_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pet_id', sa.Integer(), nullable=False),
    sa.Column('vaccine_type_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('stage', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('stage >= 0', name=op.f('ck_vaccination_notices_stage_not_negative')),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_vaccination_notices_message_id_messages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pet_id'], ['pets.id'], name=op.f('fk_vaccination_notices_pet_id_pets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vaccine_type_id'], ['vaccine_types.id'], name=op.f('fk_vaccination_notices_vaccine_type_id_vaccine_types'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vaccination_notices')),
    # Each stage of each reminder once; its first column serves the pet_id foreign key.
    sa.UniqueConstraint('pet_id', 'vaccine_type_id', 'due_on', 'stage', name='uq_vaccination_notices_stage')
    )
    op.create_index(op.f('ix_vaccination_notices_message_id'), 'vaccination_notices', ['message_id'], unique=False)
    op.create_index(op.f('ix_vaccination_notices_vaccine_type_id'), 'vaccination_notices', ['vaccine_type_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_vaccination_notices_vaccine_type_id'), table_name='vaccination_notices')
    op.drop_index(op.f('ix_vaccination_notices_message_id'), table_name='vaccination_notices')
    op.drop_table('vaccination_notices')
    op.drop_index(op.f('ix_appointment_notices_message_id'), table_name='appointment_notices')
    op.drop_table('appointment_notices')
