"""reminder dismissals (a pet's dose of a vaccine type due on a day, not to be followed up:
why, by whom, when) and each owner's last reminder sent

Written by hand. Both go with their pet or owner (ON DELETE CASCADE); a vaccine type with
dismissals is restricted like one with vaccinations. New tables only.

Revision ID: fc643fe4ce8c
Revises: d1ec9e8c14f1
Create Date: 2026-12-02 01:41:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fc643fe4ce8c'
down_revision = 'd1ec9e8c14f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reminder_dismissals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pet_id', sa.Integer(), nullable=False),
    sa.Column('vaccine_type_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Enum('moved_away', 'died', 'other', name='dismissalreason', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('dismissed_by', sa.String(length=80), nullable=False),
    sa.Column('dismissed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['pet_id'], ['pets.id'], name=op.f('fk_reminder_dismissals_pet_id_pets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vaccine_type_id'], ['vaccine_types.id'], name=op.f('fk_reminder_dismissals_vaccine_type_id_vaccine_types'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_dismissals')),
    # One dismissal per reminder; its first column serves the pet_id foreign key.
    sa.UniqueConstraint('pet_id', 'vaccine_type_id', 'due_on', name='uq_reminder_dismissals_reminder')
    )
    op.create_index(op.f('ix_reminder_dismissals_vaccine_type_id'), 'reminder_dismissals', ['vaccine_type_id'], unique=False)
    op.create_table('reminder_contacts',
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('last_sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['owners.id'], name=op.f('fk_reminder_contacts_owner_id_owners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('owner_id', name=op.f('pk_reminder_contacts'))
    )


def downgrade():
    op.drop_table('reminder_contacts')
    op.drop_index(op.f('ix_reminder_dismissals_vaccine_type_id'), table_name='reminder_dismissals')
    op.drop_table('reminder_dismissals')
