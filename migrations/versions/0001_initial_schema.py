"""initial schema: owners, pets, vets, specialties, appointments, visits

Read by a human: timestamps are plain timezone-aware DateTime (the model's UTCDateTime
only converts values in Python); the case-insensitive indexes are written by hand because
autogenerate cannot compare expression indexes on SQLite.

Revision ID: ce292f1d2272
Revises:
Create Date: 2026-11-22 01:52:45.257364

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ce292f1d2272'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('owners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=30), nullable=False),
    sa.Column('last_name', sa.String(length=30), nullable=False),
    sa.Column('address', sa.String(length=255), nullable=False),
    sa.Column('city', sa.String(length=80), nullable=False),
    sa.Column('telephone', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_owners'))
    )
    with op.batch_alter_table('owners', schema=None) as batch_op:
        batch_op.create_index('ix_owners_last_name_first_name', ['last_name', 'first_name'], unique=False)
        # Prefix search on lower(last_name); text_pattern_ops so PostgreSQL can use it for LIKE.
        batch_op.create_index(
            'ix_owners_last_name_lower',
            [sa.func.lower(sa.column('last_name')).label('last_name_lower')],
            unique=False,
            postgresql_ops={'last_name_lower': 'text_pattern_ops'},
        )

    op.create_table('pet_types',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pet_types')),
    sa.UniqueConstraint('name', name=op.f('uq_pet_types_name'))
    )
    op.create_table('specialties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_specialties')),
    sa.UniqueConstraint('name', name=op.f('uq_specialties_name'))
    )
    op.create_table('vets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=30), nullable=False),
    sa.Column('last_name', sa.String(length=30), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vets'))
    )
    with op.batch_alter_table('vets', schema=None) as batch_op:
        batch_op.create_index('ix_vets_last_name_first_name', ['last_name', 'first_name'], unique=False)

    op.create_table('pets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=30), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('type_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['owners.id'], name=op.f('fk_pets_owner_id_owners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['type_id'], ['pet_types.id'], name=op.f('fk_pets_type_id_pet_types'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pets'))
    )
    with op.batch_alter_table('pets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pets_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pets_type_id'), ['type_id'], unique=False)
        # A pet's name is unique per owner, ignoring case, enforced here and not only in forms.
        batch_op.create_index(
            'uq_pets_owner_id_name_lower',
            ['owner_id', sa.func.lower(sa.column('name'))],
            unique=True,
        )

    op.create_table('vet_specialties',
    sa.Column('vet_id', sa.Integer(), nullable=False),
    sa.Column('specialty_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['specialty_id'], ['specialties.id'], name=op.f('fk_vet_specialties_specialty_id_specialties'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vet_id'], ['vets.id'], name=op.f('fk_vet_specialties_vet_id_vets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('vet_id', 'specialty_id', name=op.f('pk_vet_specialties'))
    )
    with op.batch_alter_table('vet_specialties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vet_specialties_specialty_id'), ['specialty_id'], unique=False)

    op.create_table('appointments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pet_id', sa.Integer(), nullable=False),
    sa.Column('vet_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.String(length=255), nullable=False),
    sa.Column('status', sa.Enum('scheduled', 'checked_in', 'completed', 'cancelled', 'no_show', name='appointmentstatus', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('duration_minutes BETWEEN 15 AND 240', name=op.f('ck_appointments_duration_range')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_appointments_ends_after_start')),
    sa.ForeignKeyConstraint(['pet_id'], ['pets.id'], name=op.f('fk_appointments_pet_id_pets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vet_id'], ['vets.id'], name=op.f('fk_appointments_vet_id_vets'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointments'))
    )
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.create_index('ix_appointments_pet_id_starts_at', ['pet_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_appointments_starts_at', ['starts_at'], unique=False)
        batch_op.create_index('ix_appointments_vet_id_starts_at', ['vet_id', 'starts_at'], unique=False)

    op.create_table('visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pet_id', sa.Integer(), nullable=False),
    sa.Column('visit_date', sa.Date(), nullable=False),
    sa.Column('description', sa.String(length=2000), nullable=False),
    sa.Column('vet_id', sa.Integer(), nullable=True),
    sa.Column('appointment_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], name=op.f('fk_visits_appointment_id_appointments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pet_id'], ['pets.id'], name=op.f('fk_visits_pet_id_pets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vet_id'], ['vets.id'], name=op.f('fk_visits_vet_id_vets'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits')),
    sa.UniqueConstraint('appointment_id', name=op.f('uq_visits_appointment_id'))
    )
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visits_pet_id'), ['pet_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_vet_id'), ['vet_id'], unique=False)



def downgrade():
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visits_vet_id'))
        batch_op.drop_index(batch_op.f('ix_visits_pet_id'))

    op.drop_table('visits')
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_index('ix_appointments_vet_id_starts_at')
        batch_op.drop_index('ix_appointments_starts_at')
        batch_op.drop_index('ix_appointments_pet_id_starts_at')

    op.drop_table('appointments')
    with op.batch_alter_table('vet_specialties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vet_specialties_specialty_id'))

    op.drop_table('vet_specialties')
    with op.batch_alter_table('pets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pets_type_id'))
        batch_op.drop_index(batch_op.f('ix_pets_owner_id'))
        batch_op.drop_index('uq_pets_owner_id_name_lower')

    op.drop_table('pets')
    with op.batch_alter_table('vets', schema=None) as batch_op:
        batch_op.drop_index('ix_vets_last_name_first_name')

    op.drop_table('vets')
    op.drop_table('specialties')
    op.drop_table('pet_types')
    with op.batch_alter_table('owners', schema=None) as batch_op:
        batch_op.drop_index('ix_owners_last_name_first_name')
        batch_op.drop_index('ix_owners_last_name_lower')

    op.drop_table('owners')
