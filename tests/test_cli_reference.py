"""`flask vets ...`, `flask specialties ...`, `flask pettypes ...`, and database errors in any command."""

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.models import PetType, Specialty, Vet
from tests import factories as f


def vet_rows(session):
    """(first, last, active, specialty names) of every vet."""
    vets = session.scalars(sa.select(Vet).options(sa.orm.selectinload(Vet.specialties)))
    return sorted(
        (vet.first_name, vet.last_name, vet.active, [s.name for s in vet.specialties])
        for vet in vets
    )


def test_adding_a_vet_with_specialties(runner, dbs):
    with dbs() as session:
        f.specialty(session, "radiology")
        f.specialty(session, "internal medicine")
        session.commit()

    # Names are matched as the web form and the API match them: case and spacing aside.
    result = runner.invoke(args=["vets", "add", "Helen", "Leary", "--specialty", "Radiology",
                                 "--specialty", " Internal  Medicine"])

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Added vet ")
    assert result.stdout.rstrip().endswith(": Helen Leary (internal medicine, radiology).")
    with dbs() as session:
        assert vet_rows(session) == [("Helen", "Leary", True, ["internal medicine", "radiology"])]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["", "Leary"], "No vet added. First name: This field is required."),
        (["Helen", "L" * 31], "No vet added. Last name: Field cannot be longer than 30 characters."),
        (["Helen", "Le\x07ary"], "Last name: Remove the control characters from this field."),
        (["Helen", "Leary", "--specialty", "x-ray"],
         "Unknown specialty: x-ray. Known: radiology (add one with `flask specialties add`)."),
    ],
)
def test_a_vet_the_form_would_refuse_is_not_added(runner, dbs, args, message):
    with dbs() as session:
        f.specialty(session, "radiology")
        session.commit()

    result = runner.invoke(args=["vets", "add", *args])

    assert result.exit_code == 1
    assert message in result.stderr
    with dbs() as session:
        assert vet_rows(session) == []


def test_listing_vets_with_their_specialties_and_whether_they_take_bookings(runner, dbs):
    with dbs() as session:
        carter = f.vet(session, "Carter", "James")
        f.vet(session, "Douglas", "Linda", specialties=["surgery", "dentistry"])
        f.vet(session, "Jenkins", "Sharon", active=False)
        session.commit()

    result = runner.invoke(args=["vets", "list"])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "Name", "Specialties", "Takes", "bookings"]
    assert lines[2].split() == [str(carter.id), "James", "Carter", "none", "yes"]
    assert lines[3].split()[1:] == ["Linda", "Douglas", "dentistry,", "surgery", "yes"]
    assert lines[4].split()[1:] == ["Sharon", "Jenkins", "none", "no"]

    active = runner.invoke(args=["vets", "list", "--active"])
    assert "Jenkins" not in active.stdout and "Douglas" in active.stdout


def test_an_empty_vet_list_says_so(runner):
    result = runner.invoke(args=["vets", "list"])

    assert result.exit_code == 0
    assert result.stdout == "No vets yet.\n"


def test_deactivating_a_vet_keeps_them_and_their_appointments(runner, dbs):
    with dbs() as session:
        vet = f.vet(session)
        f.appointment(session, f.pet(session, f.owner(session)), vet)
        session.commit()

    result = runner.invoke(args=["vets", "deactivate", str(vet.id)])

    assert result.exit_code == 0, result.output
    assert result.stdout == "James Carter no longer takes bookings.\n"
    with dbs() as session:
        assert session.get(Vet, vet.id).active is False

    again = runner.invoke(args=["vets", "deactivate", str(vet.id)])
    assert again.exit_code == 0
    assert again.stdout == "James Carter was already inactive.\n"


@pytest.mark.parametrize(("vet_id", "code", "message"), [
    ("424242", 1, "There is no vet with id 424242"),
    ("seven", 2, "'seven' is not a valid integer"),
])
def test_deactivating_an_unknown_vet_is_refused(runner, vet_id, code, message):
    result = runner.invoke(args=["vets", "deactivate", vet_id])

    assert result.exit_code == code
    assert message in result.stderr


@pytest.mark.parametrize(("group", "model", "noun"), [
    ("specialties", Specialty, "specialty"),
    ("pettypes", PetType, "pet type"),
])
def test_adding_and_listing_reference_names(runner, dbs, group, model, noun):
    result = runner.invoke(args=[group, "add", "  Exotic   Birds "])

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Added {noun} 'exotic birds' (id ")
    listed = runner.invoke(args=[group, "list"])
    assert listed.stdout.splitlines()[2].split()[1:] == ["exotic", "birds"]
    with dbs() as session:
        assert list(session.scalars(sa.select(model.name))) == ["exotic birds"]


@pytest.mark.parametrize(("group", "model", "noun"), [
    ("specialties", Specialty, "specialty"),
    ("pettypes", PetType, "pet type"),
])
@pytest.mark.parametrize(("name", "message"), [
    ("RADIOLOGY", "'radiology' exists already."),
    ("   ", "A name needs 1 to 80 characters."),
    ("x" * 81, "A name needs 1 to 80 characters."),
])
def test_a_duplicate_or_empty_reference_name_is_refused(runner, dbs, group, model, noun, name,
                                                        message):
    with dbs() as session:
        session.add(model(name="radiology"))
        session.commit()

    result = runner.invoke(args=[group, "add", name])

    assert result.exit_code == 1
    assert f"Error: No {noun} added: {message}" in result.stderr
    with dbs() as session:
        assert session.scalar(sa.select(sa.func.count(model.id))) == 1


def test_an_empty_reference_list_says_so(runner):
    result = runner.invoke(args=["pettypes", "list"])

    assert result.exit_code == 0
    assert result.stdout == "No pet type yet.\n"


def test_every_command_has_help(runner):
    commands = [
        ["seed", "bulk"], ["import", "owners"], ["export", "owners"], ["export", "appointments"],
        ["vets", "add"], ["vets", "list"], ["vets", "deactivate"], ["specialties", "add"],
        ["specialties", "list"], ["pettypes", "add"], ["pettypes", "list"],
        ["appointments", "day"],
    ]
    for command in commands:
        result = runner.invoke(args=[*command, "--help"])
        assert result.exit_code == 0, command
        usage, _, summary = result.stdout.splitlines()[:3]
        assert usage.startswith("Usage: ") and f" {' '.join(command)} " in usage, usage
        assert summary.strip(), command


def test_a_database_without_tables_is_a_clear_error_not_a_traceback(tmp_path):
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.db'}",
    })

    result = app.test_cli_runner().invoke(args=["vets", "list"])

    assert result.exit_code == 1
    assert "The database refused the command, nothing was changed: no such table: vets." in (
        result.stderr
    )
    assert "flask db upgrade" in result.stderr
    assert "Traceback" not in result.output
    with app.app_context():
        db.engine.dispose()
