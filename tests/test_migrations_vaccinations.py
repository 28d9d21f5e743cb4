"""Migrations 0013 (vaccinations) and 0014 (reminders): up, down to the revision before, check."""

import sqlalchemy as sa

from app.extensions import db
from tests.test_migrations import migration_app, table_names  # noqa: F401 (a fixture)

BEFORE = "d219522c7eaf"  # the revision these two follow
THEIR_HEAD = "fc643fe4ce8c"  # 0014: later migrations are taken off first, put back at the end
THEIRS = {"vaccine_types", "vaccine_type_species", "vaccinations", "reminder_dismissals",
          "reminder_contacts"}


def foreign_keys(app, table):
    """{column: (referred table, ON DELETE)} of a table as the database has it."""
    with app.app_context():
        keys = sa.inspect(db.engine).get_foreign_keys(table)
    return {key["constrained_columns"][0]: (key["referred_table"],
                                            (key["options"].get("ondelete") or "").upper())
            for key in keys}


def test_the_vaccination_migrations_go_up_and_down_alone(migration_app):  # noqa: F811
    app, runner = migration_app, migration_app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert THEIRS <= table_names(app)
    assert foreign_keys(app, "vaccinations") == {
        "pet_id": ("pets", "CASCADE"), "vaccine_type_id": ("vaccine_types", "RESTRICT"),
        "vet_id": ("vets", "RESTRICT"), "visit_id": ("visits", "SET NULL")}
    assert foreign_keys(app, "reminder_dismissals") == {
        "pet_id": ("pets", "CASCADE"), "vaccine_type_id": ("vaccine_types", "RESTRICT")}
    assert foreign_keys(app, "reminder_contacts") == {"owner_id": ("owners", "CASCADE")}
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output

    assert runner.invoke(args=["db", "downgrade", THEIR_HEAD]).exit_code == 0
    everything = table_names(app)
    result = runner.invoke(args=["db", "downgrade", BEFORE])
    assert result.exit_code == 0, result.output
    assert table_names(app) == everything - THEIRS

    assert runner.invoke(args=["db", "upgrade", THEIR_HEAD]).exit_code == 0
    assert table_names(app) == everything
