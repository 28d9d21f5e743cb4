"""`flask import owners` and `flask export owners`: CSV in through the forms, CSV out, and back."""

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import csv_files
from app.csv_files import OWNER_COLUMNS
from app.extensions import db
from app.models import Owner, Pet, PetType
from tests import factories as f

SAMPLE = Path(__file__).parent / "data" / "owners.csv"
HEADER = ",".join(OWNER_COLUMNS)


def write_csv(tmp_path, *lines, name="owners.csv", encoding="utf-8"):
    """A CSV file with the documented header and the given data lines."""
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding=encoding)
    return path


def owners_and_pets(session):
    """Every owner's columns with the set of its pets (name, birth date, type), ids left out."""
    owners = {}
    for owner_id, *fields in session.execute(
        sa.select(Owner.id, Owner.first_name, Owner.last_name, Owner.address, Owner.city,
                  Owner.telephone, Owner.email)
    ):
        owners[owner_id] = (tuple(fields), set())
    for owner_id, *pet in session.execute(
        sa.select(Pet.owner_id, Pet.name, Pet.birth_date, PetType.name).join(Pet.type)
    ):
        owners[owner_id][1].add(tuple(pet))
    return sorted((fields, sorted(pets)) for fields, pets in owners.values())


@pytest.fixture
def pet_types(dbs):
    """The seeded pet types."""
    with dbs() as session:
        for name in ("bird", "cat", "dog", "lizard"):
            f.pet_type(session, name)
        session.commit()


def test_importing_the_sample_file_creates_its_owners_and_pets(
    runner, dbs, pet_types, statements
):
    result = runner.invoke(args=["import", "owners", str(SAMPLE)])

    assert result.exit_code == 0, result.output
    # The pet types are read once for the file, not once per row with a pet.
    assert len([sql for sql in statements.sql if "FROM pet_types" in sql]) == 1
    assert "5 rows imported (4 new owners, 4 pets); 0 rows rejected." in result.stdout
    with dbs() as session:
        imported = owners_and_pets(session)
    hopper = next(pets for fields, pets in imported if fields[1] == "Hopper")
    assert [name for name, _, _ in hopper] == ["Bug", "Cobol"]  # rows 2 and 3: one owner
    phones = {fields[1]: fields[4] for fields, _ in imported}
    assert phones == {"Hopper": "+16085550142", "Turing": "+16085550177",
                      "Lovelace": "+16085550199", "Núñez": "+442079460958"}
    lovelace = next(item for item in imported if item[0][1] == "Lovelace")
    assert lovelace == (("Ada", "Lovelace", "10 St. James's Sq., Apt. 2", "Sun Prairie",
                         "+16085550199", "ada@example.org"), [])


def test_rows_matching_a_known_owner_add_pets_to_that_owner(runner, dbs, pet_types, tmp_path):
    with dbs() as session:
        owner = f.owner(session, first_name="George", last_name="Franklin",
                        telephone="+16085551023")
        f.pet(session, owner, name="Leo")
        session.commit()
        owner_id = owner.id
    path = write_csv(
        tmp_path,
        "George,Franklin,Somewhere else,Elsewhere,(608) 555-1023,,Max,2021-01-02,dog",
        "George,Franklin,110 W. Liberty St.,Madison,608 555 1023,,leo,2021-01-02,cat",
        "George,Franklin,110 W. Liberty St.,Madison,608 555 9999,,Leo,2021-01-02,cat",
    )

    result = runner.invoke(args=["import", "owners", str(path)])

    assert result.exit_code == 1
    assert "line 3: This owner already has a pet named 'leo'." in result.stderr
    assert "2 rows imported (1 new owners, 2 pets); 1 rows rejected." in result.stdout
    with dbs() as session:
        george = session.get(Owner, owner_id)
        assert (george.address, george.city) == ("110 W. Liberty St.", "Madison")  # unchanged
        names = session.scalars(sa.select(Pet.name).where(Pet.owner_id == owner_id).order_by(Pet.name))
        assert list(names) == ["Leo", "Max"]
        # A different telephone is a different owner.
        assert session.scalar(sa.select(sa.func.count(Owner.id))) == 2


BAD_ROWS = [
    (",Franklin,1 Main St.,Madison,6085551023,,,,", "First name: This field is required."),
    ("George,Franklin,1 Main St.,Madison,call me,,,,", "Telephone: Use digits"),
    ("George,Franklin,1 Main St.,Madison,1234567890,,,,", "Telephone: This number does not exist"),
    ("George,Franklin,1 Main St.,Madison,6085551023,not-an-email,,,", "Email"),
    ("George,Franklin,1 Main St.,Madison,6085551023,,Leo,07/09/2020,cat",
     "Birth date: Not a valid date value."),
    ("George,Franklin,1 Main St.,Madison,6085551023,,Leo,2999-01-01,cat",
     "Birth date: The birth date cannot be in the future."),
    ("George,Franklin,1 Main St.,Madison,6085551023,,Leo,2020-09-07,dragon",
     "Type: Not a valid choice. ('dragon' is not a pet type; add it with `flask pettypes add dragon`.)"),
    ("George,Franklin,1 Main St.,Madison,6085551023,,Leo,2020-09-07,",
     "Type: Choose a type."),
    ("George,Franklin,1 Main St.,Madison,6085551023,,,2020-09-07,cat",
     "Name: This field is required."),
    ("George,Franklin,1 Main St.,Madison,6085551023", "The row has 5 fields; the header has 9."),
    ("G" * 31 + ",Franklin,1 Main St.,Madison,6085551023,,,,",
     "First name: Field cannot be longer than 30 characters."),
]


@pytest.mark.parametrize(("row", "reason"), BAD_ROWS)
def test_a_bad_row_is_rejected_alone_with_its_line_and_reason(
    runner, dbs, pet_types, tmp_path, row, reason
):
    path = write_csv(
        tmp_path,
        "Betty,Davis,638 Cardinal Ave.,Sun Prairie,6085551749,,Basil,2022-08-06,cat",
        row,
        "Jeff,Black,1450 Oak Blvd.,Monona,6085555387,,Lucky,2021-08-06,bird",
    )

    result = runner.invoke(args=["import", "owners", str(path)])

    assert result.exit_code == 1
    assert f"line 3: {reason}" in result.stderr
    assert "2 rows imported (2 new owners, 2 pets); 1 rows rejected." in result.stdout
    assert "Traceback" not in result.output
    with dbs() as session:
        assert sorted(session.scalars(sa.select(Owner.last_name))) == ["Black", "Davis"]
        assert sorted(session.scalars(sa.select(Pet.name))) == ["Basil", "Lucky"]


def test_the_same_pet_twice_in_a_file_is_a_duplicate_and_only_its_second_row_is_rejected(
    runner, dbs, pet_types, tmp_path
):
    path = write_csv(
        tmp_path,
        "Jean,Coleman,105 N. Lake St.,Monona,6085552654,,Max,2022-09-04,cat",
        "Jean,Coleman,105 N. Lake St.,Monona,6085552654,,MAX,2022-09-04,cat",
        "Jean,Coleman,105 N. Lake St.,Monona,6085552654,,Samantha,2022-09-04,cat",
    )

    result = runner.invoke(args=["import", "owners", str(path)])

    assert result.exit_code == 1
    assert result.stderr.strip() == "line 3: This owner already has a pet named 'MAX'."
    with dbs() as session:
        assert sorted(session.scalars(sa.select(Pet.name))) == ["Max", "Samantha"]
        assert session.scalar(sa.select(sa.func.count(Owner.id))) == 1


def test_a_known_owner_without_a_pet_is_rejected(runner, dbs, pet_types, tmp_path):
    path = write_csv(
        tmp_path,
        "Ada,Lovelace,10 St. James's Sq.,London,6085550199,,,,",
        "Ada,Lovelace,10 St. James's Sq.,London,6085550199,,,,",
    )

    result = runner.invoke(args=["import", "owners", str(path)])

    assert result.exit_code == 1
    assert "line 3: This owner is already in the database and the row names no pet." in result.stderr


def test_a_quoted_field_over_several_lines_is_reported_at_the_line_its_row_starts(
    runner, dbs, pet_types, tmp_path
):
    path = write_csv(
        tmp_path,
        'Ada,Lovelace,"10 St. James\'s Sq.\nSecond floor",London,6085550199,,,,',
        "Bad,Phone,1 Main St.,Madison,nope,,,,",
    )

    result = runner.invoke(args=["import", "owners", str(path)])

    assert result.exit_code == 1
    assert result.stderr.startswith("line 4: Telephone:")


def test_blank_lines_are_skipped(runner, dbs, pet_types, tmp_path):
    path = write_csv(tmp_path, "", "Ada,Lovelace,1 Main St.,London,6085550199,,,,", " , ,,,,,,,")

    result = runner.invoke(args=["import", "owners", str(path)])

    assert result.exit_code == 0, result.output
    assert "1 rows imported" in result.stdout


def database_contents(dbs):
    """Row counts and the owners with their pets."""
    with dbs() as session:
        return owners_and_pets(session)


def test_a_dry_run_checks_every_row_and_leaves_the_database_as_it_was(
    runner, dbs, pet_types, tmp_path
):
    with dbs() as session:
        f.pet(session, f.owner(session, telephone="+16085551023"), name="Leo")
        session.commit()
    before = database_contents(dbs)
    path = write_csv(
        tmp_path,
        "George,Franklin,110 W. Liberty St.,Madison,6085551023,,Max,2021-01-02,dog",
        "George,Franklin,110 W. Liberty St.,Madison,6085551023,,LEO,2021-01-02,dog",
        "Ada,Lovelace,1 Main St.,London,6085550199,,,,",
    )

    result = runner.invoke(args=["import", "owners", str(path), "--dry-run"])

    # The duplicate is found by really inserting (the database's index), then undone.
    assert result.exit_code == 1
    assert "line 3: This owner already has a pet named 'LEO'." in result.stderr
    assert "2 rows would be imported (1 new owners, 1 pets); 1 rows rejected." in result.stdout
    assert "Dry run: nothing was written." in result.stdout
    assert database_contents(dbs) == before


@pytest.mark.committing
def test_a_dry_run_writes_nothing_even_with_real_commits(committing):
    # No outer test transaction here: the command's own BEGIN, SAVEPOINTs and ROLLBACK
    # must undo everything (on SQLite only with the pysqlite workaround).
    app = committing
    with app.app_context():
        f.pet_type(db.session, "cat")
        f.pet_type(db.session, "lizard")
        f.pet_type(db.session, "dog")
        f.pet_type(db.session, "bird")
        db.session.commit()
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["import", "owners", str(SAMPLE), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Owner.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Pet.id))) == 0

    real = runner.invoke(args=["import", "owners", str(SAMPLE)])
    assert real.exit_code == 0, real.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Owner.id))) == 4
        assert db.session.scalar(sa.select(sa.func.count(Pet.id))) == 4


def refused_files(tmp_path):
    """Files that must be refused before any row is read, with what the message says."""
    good = "Ada,Lovelace,1 Main St.,London,6085550199,,,,"
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(f"{HEADER}\n{good}\nJos\xe9,N\xfa\xf1ez,1 Main St.,Madison,6085550100,,,,\n"
                       .encode("latin-1"))
    utf16 = tmp_path / "utf16.csv"
    utf16.write_text(f"{HEADER}\n{good}\n", encoding="utf-16")
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    nul = tmp_path / "nul.csv"
    nul.write_text(f"{HEADER}\n{good}\nA\x00B,,,,,,,,\n")
    quote = tmp_path / "quote.csv"
    quote.write_text(f'{HEADER}\n{good}\nAda,"Love"lace,1 Main St.,London,6085550199,,,,\n')
    missing = tmp_path / "missing.csv"
    missing.write_text("first_name,last_name,address,city,telephone\nAda,Lovelace,1 Main,London,1\n")
    unknown = tmp_path / "unknown.csv"
    unknown.write_text(f"{HEADER},shoe_size\n{good},42\n")
    repeated = tmp_path / "repeated.csv"
    repeated.write_text(f"{HEADER},city\n{good},London\n")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    return [
        (latin1, "is not UTF-8 text (byte 0xe9"),
        (utf16, "is not UTF-8 text"),
        (binary, "is not UTF-8 text"),
        (nul, "is not a CSV file"),
        (quote, "is not a CSV file"),
        (missing, "missing email, pet_name, pet_birth_date, pet_type"),
        (unknown, "unknown 'shoe_size'"),
        (repeated, "repeated city"),
        (empty, "is empty"),
        (tmp_path / "no-such-file.csv", "does not exist"),
    ]


def test_a_file_that_is_not_utf8_csv_with_the_header_is_refused_and_nothing_is_written(
    runner, dbs, pet_types, tmp_path
):
    for path, message in refused_files(tmp_path):
        result = runner.invoke(args=["import", "owners", str(path)])

        assert result.exit_code == 2, (path.name, result.output)
        assert "Invalid value for 'CSV_FILE'" in result.stderr
        assert message in " ".join(result.stderr.split()), (path.name, result.stderr)
        assert "Traceback" not in result.output
    with dbs() as session:
        assert session.scalar(sa.select(sa.func.count(Owner.id))) == 0


def test_a_spreadsheet_byte_order_mark_is_accepted(runner, dbs, pet_types, tmp_path):
    path = write_csv(tmp_path, "Ada,Lovelace,1 Main St.,London,6085550199,,,,", encoding="utf-8-sig")

    result = runner.invoke(args=["import", "owners", str(path)])

    assert result.exit_code == 0, result.output


def test_export_writes_one_row_per_pet_and_one_for_an_owner_without_pets(runner, dbs, pet_types):
    with dbs() as session:
        franklin = f.owner(session, telephone="+16085551023", email="g@example.com")
        f.pet(session, franklin, name="Leo", kind="cat")
        f.pet(session, franklin, name="Max", kind="dog")
        f.owner(session, first_name="Ada", last_name="Lovelace", telephone="+442079460958")
        session.commit()

    result = runner.invoke(args=["export", "owners"])

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        HEADER,
        "George,Franklin,110 W. Liberty St.,Madison,+16085551023,g@example.com,Leo,2020-09-07,cat",
        "George,Franklin,110 W. Liberty St.,Madison,+16085551023,g@example.com,Max,2020-09-07,dog",
        "Ada,Lovelace,110 W. Liberty St.,Madison,+442079460958,,,,",
    ]


def test_an_export_imports_back_into_an_empty_database_unchanged(
    runner, dbs, tmp_path, today
):
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    assert runner.invoke(args=["import", "owners", str(SAMPLE)]).exit_code == 0
    with dbs() as session:
        # An awkward one: quotes, commas and a line break survive the round trip.
        f.owner(session, first_name="Zoë", last_name="O'Brien, Jr.",
                address='1 "The Lane"\nFlat 2', telephone="+16085550000")
        session.commit()
        original = owners_and_pets(session)
    exported = tmp_path / "export.csv"

    result = runner.invoke(args=["export", "owners", "-o", str(exported)])
    assert result.exit_code == 0, result.output
    assert f"rows written to {exported}" in result.stderr
    with dbs() as session:
        session.execute(sa.delete(Owner))  # pets, appointments and visits go with them
        session.commit()
        assert owners_and_pets(session) == []

    result = runner.invoke(args=["import", "owners", str(exported)])

    assert result.exit_code == 0, result.output
    assert "0 rows rejected" in result.stdout
    assert database_contents(dbs) == original


def test_an_import_of_an_unknown_type_suggests_adding_it_and_imports_after(
    runner, dbs, pet_types, tmp_path
):
    path = write_csv(tmp_path, "Ada,Lovelace,1 Main St.,London,6085550199,,Tick,2020-01-01,Tortoise")
    assert runner.invoke(args=["import", "owners", str(path)]).exit_code == 1
    assert runner.invoke(args=["pettypes", "add", "tortoise"]).exit_code == 0

    result = runner.invoke(args=["import", "owners", str(path)])

    assert result.exit_code == 0, result.output


def test_a_pet_born_today_is_accepted_and_tomorrow_is_not(runner, dbs, pet_types, tmp_path, today):
    path = write_csv(
        tmp_path,
        f"Ada,Lovelace,1 Main St.,London,6085550199,,Today,{today},cat",
        f"Ada,Lovelace,1 Main St.,London,6085550199,,Tomorrow,{today + timedelta(days=1)},cat",
    )

    result = runner.invoke(args=["import", "owners", str(path)])

    assert result.exit_code == 1
    assert "line 3: Birth date: The birth date cannot be in the future." in result.stderr


def test_an_export_that_fails_half_way_leaves_the_earlier_file_as_it_was(tmp_path):
    target = tmp_path / "owners.csv"
    target.write_text("the export of yesterday\n", encoding="utf-8")

    def rows():
        yield dict.fromkeys(OWNER_COLUMNS, "x")
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError, match="went away"):
        csv_files.write_csv(str(target), OWNER_COLUMNS, rows())
    assert target.read_text(encoding="utf-8") == "the export of yesterday\n"
    assert [path.name for path in tmp_path.iterdir()] == ["owners.csv"]  # no temporary left


def test_an_export_to_a_folder_that_does_not_exist_is_refused_with_a_clear_message(runner, tmp_path):
    result = runner.invoke(args=["export", "owners", "-o", str(tmp_path / "nowhere" / "o.csv")])
    assert result.exit_code == 1
    assert f"Error: Cannot write {tmp_path / 'nowhere' / 'o.csv'}: No such file or directory." in result.stderr
    assert list(tmp_path.iterdir()) == []
