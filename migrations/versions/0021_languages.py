"""languages: a staff account's page language and an owner's message language

Written by hand. Two nullable columns, no batch rebuild on SQLite: None means "the browser's"
for an account and "the clinic's" (CLINIC_LOCALE) for an owner (app/i18n.py).

Revision ID: 7c1e5a20b3d4
Revises: 423580d2c103
Create Date: 2026-12-03 07:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7c1e5a20b3d4'
down_revision = '423580d2c103'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('locale', sa.String(length=5), nullable=True))
    op.add_column('owners', sa.Column('language', sa.String(length=5), nullable=True))


def downgrade():
    # SQLite's DROP COLUMN (3.35+): no rebuild, so the owners' expression indexes stay.
    op.drop_column('owners', 'language')
    op.drop_column('users', 'locale')
