"""vaccine types (name, interval in months), the species each applies to, and the
vaccinations given to pets (type, date, batch, vet, visit, next due date)

Written by hand. Cascades from pets (a pet's vaccinations go with it) and from vaccine and
pet types (their species pairs go with them); vaccine types and vets in use are restricted;
a vaccination outlives the visit it was given at (SET NULL). New tables only: nothing
existing is rebuilt, on SQLite either.

Revision ID: d1ec9e8c14f1
Revises: d219522c7eaf
Create Date: 2026-12-02 01:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd1ec9e8c14f1'
down_revision = 'd219522c7eaf'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('vaccine_types',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('interval_months', sa.Integer(), nullable=False),
    sa.CheckConstraint('interval_months BETWEEN 1 AND 120', name=op.f('ck_vaccine_types_interval_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vaccine_types')),
    sa.UniqueConstraint('name', name=op.f('uq_vaccine_types_name'))
    )
    op.create_table('vaccine_type_species',
    sa.Column('vaccine_type_id', sa.Integer(), nullable=False),
    sa.Column('pet_type_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['pet_type_id'], ['pet_types.id'], name=op.f('fk_vaccine_type_species_pet_type_id_pet_types'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vaccine_type_id'], ['vaccine_types.id'], name=op.f('fk_vaccine_type_species_vaccine_type_id_vaccine_types'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('vaccine_type_id', 'pet_type_id', name=op.f('pk_vaccine_type_species'))
    )
    # The primary key's first column serves vaccine_type_id; pet_type_id needs its own.
    op.create_index(op.f('ix_vaccine_type_species_pet_type_id'), 'vaccine_type_species', ['pet_type_id'], unique=False)
    op.create_table('vaccinations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pet_id', sa.Integer(), nullable=False),
    sa.Column('vaccine_type_id', sa.Integer(), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('batch', sa.String(length=40), nullable=False),
    sa.Column('vet_id', sa.Integer(), nullable=True),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('next_due_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('next_due_on > given_on', name=op.f('ck_vaccinations_due_after_given')),
    sa.ForeignKeyConstraint(['pet_id'], ['pets.id'], name=op.f('fk_vaccinations_pet_id_pets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vaccine_type_id'], ['vaccine_types.id'], name=op.f('fk_vaccinations_vaccine_type_id_vaccine_types'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['vet_id'], ['vets.id'], name=op.f('fk_vaccinations_vet_id_vets'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_vaccinations_visit_id_visits'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vaccinations'))
    )
    # A pet's doses of a type in date order (the latest makes its reminder); its first
    # column also serves the pet_id foreign key.
    op.create_index('ix_vaccinations_pet_id_vaccine_type_id_given_on', 'vaccinations', ['pet_id', 'vaccine_type_id', 'given_on'], unique=False)
    op.create_index(op.f('ix_vaccinations_next_due_on'), 'vaccinations', ['next_due_on'], unique=False)
    op.create_index(op.f('ix_vaccinations_vaccine_type_id'), 'vaccinations', ['vaccine_type_id'], unique=False)
    op.create_index(op.f('ix_vaccinations_vet_id'), 'vaccinations', ['vet_id'], unique=False)
    op.create_index(op.f('ix_vaccinations_visit_id'), 'vaccinations', ['visit_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_vaccinations_visit_id'), table_name='vaccinations')
    op.drop_index(op.f('ix_vaccinations_vet_id'), table_name='vaccinations')
    op.drop_index(op.f('ix_vaccinations_vaccine_type_id'), table_name='vaccinations')
    op.drop_index(op.f('ix_vaccinations_next_due_on'), table_name='vaccinations')
    op.drop_index('ix_vaccinations_pet_id_vaccine_type_id_given_on', table_name='vaccinations')
    op.drop_table('vaccinations')
    op.drop_index(op.f('ix_vaccine_type_species_pet_type_id'), table_name='vaccine_type_species')
    op.drop_table('vaccine_type_species')
    op.drop_table('vaccine_types')
