"""messages to owners (the transactional outbox) and each owner's email consent

Written by hand. A message goes with its owner (ON DELETE CASCADE) and outlives its
appointment (SET NULL). The owners' consent columns are plain additions (no table rebuild);
existing owners start without consent, so they get only transactional messages until the
desk records it.

Revision ID: 5b8e0c7d4a21
Revises: fc643fe4ce8c
Create Date: 2026-12-02 04:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b8e0c7d4a21'
down_revision = 'fc643fe4ce8c'
branch_labels = None
depends_on = None

KINDS = ('confirmation', 'rescheduled', 'cancellation', 'appointment_reminder',
         'vaccination_reminder')
STATUSES = ('pending', 'sent', 'failed', 'cancelled')


def upgrade():
    op.add_column('owners', sa.Column('email_consent', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('owners', sa.Column('email_consent_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('owners', sa.Column('email_consent_by', sa.String(length=80), nullable=True))
    op.create_table('messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum(*KINDS, name='messagekind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('status', sa.Enum(*STATUSES, name='messagestatus', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('queued_by', sa.String(length=80), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('claimed_by', sa.String(length=100), nullable=True),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_response', sa.String(length=500), nullable=True),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_messages_attempts_not_negative')),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], name=op.f('fk_messages_appointment_id_appointments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['owners.id'], name=op.f('fk_messages_owner_id_owners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
    sa.UniqueConstraint('message_id', name=op.f('uq_messages_message_id'))
    )
    op.create_index(op.f('ix_messages_appointment_id'), 'messages', ['appointment_id'], unique=False)
    op.create_index('ix_messages_owner_id_created_at', 'messages', ['owner_id', 'created_at'], unique=False)
    op.create_index('ix_messages_status_next_attempt_at', 'messages', ['status', 'next_attempt_at'], unique=False)


def downgrade():
    op.drop_index('ix_messages_status_next_attempt_at', table_name='messages')
    op.drop_index('ix_messages_owner_id_created_at', table_name='messages')
    op.drop_index(op.f('ix_messages_appointment_id'), table_name='messages')
    op.drop_table('messages')
    # SQLite's DROP COLUMN (3.35+): no rebuild, so the owners' expression index stays.
    for column in ('email_consent_by', 'email_consent_at', 'email_consent'):
        op.drop_column('owners', column)
