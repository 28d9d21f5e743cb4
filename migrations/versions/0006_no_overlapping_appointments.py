"""no overlapping appointments, enforced by PostgreSQL: an exclusion constraint over a vet's
time ranges, for the statuses that hold a slot (nothing on SQLite, whose writers are
serialised by the application)

Revision ID: 6a1f0e9c2b47
Revises: f72d7d90c88d
Create Date: 2026-12-01 23:30:00.000000

"""
import click
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6a1f0e9c2b47'
down_revision = 'f72d7d90c88d'
branch_labels = None
depends_on = None

HOLDS_SLOT = "('scheduled', 'checked_in', 'completed', 'no_show')"

# Pairs of live appointments of one vet that overlap: what the constraint would refuse.
CONFLICTS = f"""
SELECT a.id, b.id, a.vet_id, a.starts_at, a.ends_at, b.starts_at, b.ends_at
FROM appointments a JOIN appointments b
  ON a.vet_id = b.vet_id AND a.id < b.id
 AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
WHERE a.status IN {HOLDS_SLOT} AND b.status IN {HOLDS_SLOT}
ORDER BY a.vet_id, a.starts_at
"""


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    conflicts = op.get_bind().execute(sa.text(CONFLICTS)).all()
    if conflicts:
        lines = "\n".join(
            f"  appointments {a} and {b} of vet {vet}: {a_start:%Y-%m-%d %H:%M}-{a_end:%H:%M} "
            f"and {b_start:%Y-%m-%d %H:%M}-{b_end:%H:%M}"
            for a, b, vet, a_start, a_end, b_start, b_end in conflicts
        )
        # A ClickException: `flask db upgrade` stops with this message and exit 1, no traceback.
        raise click.ClickException(
            "These appointments overlap, so PostgreSQL cannot be told to refuse overlaps yet. "
            "Cancel or move one of each pair (the day sheet shows them), then run "
            f"`flask db upgrade` again:\n{lines}"
        )
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.execute(
        "ALTER TABLE appointments ADD CONSTRAINT ex_appointments_vet_id_slot "
        "EXCLUDE USING gist (vet_id WITH =, tsrange(starts_at, ends_at) WITH &&) "
        f"WHERE (status IN {HOLDS_SLOT})"
    )


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute("ALTER TABLE appointments DROP CONSTRAINT IF EXISTS ex_appointments_vet_id_slot")
