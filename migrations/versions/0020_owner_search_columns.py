"""owner search columns: names, email and pet names folded in Python, the telephone's digits
reversed, each with a code-point-order index; the lower(last_name) index goes

Written by hand. The search box (app/owners/search.py) compares copies folded once in
Python (app/models/search_columns.py) instead of each database's lower(), which disagreed:
SQLite's folds ASCII only, PostgreSQL's follows its collation. The copies are filled here
for the rows already there, with the same function the app keeps them with. Plain
add_column and create_index (no batch rebuild of owners or pets on SQLite, which would lose
uq_pets_owner_id_name_lower, an expression index); NOT NULL columns need a server default
on SQLite, and it is only ever used by rows written in SQL by hand.

Revision ID: 423580d2c103
Revises: 9dd2ccf794d5
Create Date: 2026-12-02 04:05:00.000000

"""
import sqlalchemy as sa
from alembic import op

# The app's own rule, so that rows found here are folded as the app folds the rows it writes.
from app.models.search_columns import fold, reversed_digits

# revision identifiers, used by Alembic.
revision = '423580d2c103'
down_revision = '9dd2ccf794d5'
branch_labels = None
depends_on = None

BATCH = 5000
PATTERN = 'text_pattern_ops'


def fill(table, columns, copies):
    """Set each row's copies from its columns, a batch of rows at a time."""
    conn = op.get_bind()
    rows = conn.execute(sa.text(f"SELECT id, {', '.join(columns)} FROM {table}")).mappings().all()
    assignments = ', '.join(f'{copy} = :{copy}' for copy in copies)
    update = sa.text(f'UPDATE {table} SET {assignments} WHERE id = :id')
    values = [
        {'id': row['id'], **{copy: rule(row[source]) for copy, (source, rule) in copies.items()}}
        for row in rows
    ]
    for start in range(0, len(values), BATCH):
        conn.execute(update, values[start:start + BATCH])


def upgrade():
    op.add_column('owners', sa.Column('first_name_folded', sa.String(), server_default='', nullable=False))
    op.add_column('owners', sa.Column('last_name_folded', sa.String(), server_default='', nullable=False))
    op.add_column('owners', sa.Column('email_folded', sa.String(), nullable=True))
    op.add_column('owners', sa.Column('phone_digits_reversed', sa.String(length=20), server_default='', nullable=False))
    op.add_column('pets', sa.Column('name_folded', sa.String(), server_default='', nullable=False))
    fill('owners', ('first_name', 'last_name', 'email', 'telephone'), {
        'first_name_folded': ('first_name', fold),
        'last_name_folded': ('last_name', fold),
        'email_folded': ('email', fold),
        'phone_digits_reversed': ('telephone', reversed_digits),
    })
    fill('pets', ('name',), {'name_folded': ('name', fold)})
    # Replaced by ix_owners_last_name_folded: same shape, on the folded copy.
    op.drop_index('ix_owners_last_name_lower', table_name='owners')
    op.create_index('ix_owners_last_name_folded', 'owners', ['last_name_folded', 'first_name', 'id'],
                    unique=False, postgresql_ops={'last_name_folded': PATTERN})
    op.create_index('ix_owners_first_name_folded', 'owners', ['first_name_folded', 'id'],
                    unique=False, postgresql_ops={'first_name_folded': PATTERN})
    op.create_index('ix_owners_email_folded', 'owners', ['email_folded'],
                    unique=False, postgresql_ops={'email_folded': PATTERN})
    op.create_index('ix_owners_phone_digits_reversed', 'owners', ['phone_digits_reversed'],
                    unique=False, postgresql_ops={'phone_digits_reversed': PATTERN})
    op.create_index('ix_pets_name_folded', 'pets', ['name_folded', 'owner_id'],
                    unique=False, postgresql_ops={'name_folded': PATTERN})


def downgrade():
    op.drop_index('ix_pets_name_folded', table_name='pets')
    for name in ('ix_owners_phone_digits_reversed', 'ix_owners_email_folded',
                 'ix_owners_first_name_folded', 'ix_owners_last_name_folded'):
        op.drop_index(name, table_name='owners')
    op.create_index(
        'ix_owners_last_name_lower',
        'owners',
        [sa.func.lower(sa.column('last_name')).label('last_name_lower'), 'first_name', 'id'],
        unique=False,
        postgresql_ops={'last_name_lower': PATTERN},
        postgresql_include=['last_name'],
    )
    # SQLite's DROP COLUMN (3.35+): no rebuild, so the expression indexes stay.
    op.drop_column('pets', 'name_folded')
    for column in ('phone_digits_reversed', 'email_folded', 'last_name_folded', 'first_name_folded'):
        op.drop_column('owners', column)
