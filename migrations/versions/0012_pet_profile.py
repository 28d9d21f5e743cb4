"""pet profile (sex, neutered, breed, colour, microchip, deceased_on) and pet alerts

Revision ID: d219522c7eaf
Revises: bff013791cf7
Create Date: 2026-12-03 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd219522c7eaf'
down_revision = 'bff013791cf7'
branch_labels = None
depends_on = None

SEXES = ('female', 'male', 'unknown')
SEVERITIES = ('note', 'caution', 'danger')


def profile_columns():
    """The new columns of pets, each with its own CHECK where it has one.

    Plain ADD COLUMNs, no batch rebuild: on SQLite a rebuild of pets would lose the
    expression index uq_pets_owner_id_name_lower. Each column is nullable or has a server
    default, and its CHECK is a column constraint, which SQLite's ADD COLUMN accepts.
    """
    return [
        sa.Column('sex', sa.String(length=20), sa.CheckConstraint(
            "sex IN ('female', 'male', 'unknown')", name=op.f('ck_pets_sex')),
            server_default='unknown', nullable=False),
        sa.Column('neutered', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('breed', sa.String(length=40), nullable=True),
        sa.Column('colour', sa.String(length=40), nullable=True),
        sa.Column('microchip', sa.String(length=15), sa.CheckConstraint(
            "length(microchip) = 15 AND ltrim(microchip, '0123456789') = ''",
            name=op.f('ck_pets_microchip_digits')), nullable=True),
        sa.Column('deceased_on', sa.Date(), sa.CheckConstraint(
            'deceased_on >= birth_date', name=op.f('ck_pets_deceased_after_birth')),
            nullable=True),
    ]


def upgrade():
    for column in profile_columns():
        op.add_column('pets', column)
    # Unique when present: a unique index lets any number of pets have no microchip (NULL).
    op.create_index(op.f('uq_pets_microchip'), 'pets', ['microchip'], unique=True)
    op.create_table('pet_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pet_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=120), nullable=False),
    sa.Column('severity', sa.Enum(*SEVERITIES, name='alertseverity', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['pet_id'], ['pets.id'], name=op.f('fk_pet_alerts_pet_id_pets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pet_alerts'))
    )
    op.create_index(op.f('ix_pet_alerts_pet_id'), 'pet_alerts', ['pet_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_pet_alerts_pet_id'), table_name='pet_alerts')
    op.drop_table('pet_alerts')
    op.drop_index(op.f('uq_pets_microchip'), table_name='pets')
    # SQLite's DROP COLUMN (3.35+) takes a column with its own CHECK; no rebuild either.
    for column in reversed(profile_columns()):
        op.drop_column('pets', column.name)
