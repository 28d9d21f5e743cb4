"""`flask vaccines add/list/remove`."""

from datetime import date

import sqlalchemy as sa

from app.models import VaccineType
from tests import factories as f


def names(dbs):
    with dbs() as session:
        return sorted(session.scalars(sa.select(VaccineType.name)))


def test_adding_listing_and_removing_a_vaccine_type(runner, dbs):
    with dbs() as session:
        f.pet_type(session, "cat"), f.pet_type(session, "dog")
        session.commit()
    result = runner.invoke(args=["vaccines", "add", "Rabies 3-year", "--species", "Cat",
                                 "--species", "dog", "--interval", "36"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Added vaccine type 'Rabies 3-year' (id ")

    listing = runner.invoke(args=["vaccines", "list"]).stdout.splitlines()
    assert listing[0].split() == ["ID", "Name", "Species", "Months"]
    assert listing[2].split()[1:] == ["Rabies", "3-year", "cat,", "dog", "36"]

    result = runner.invoke(args=["vaccines", "remove", "rabies  3-YEAR"])
    assert result.exit_code == 0, result.output
    assert names(dbs) == []
    assert runner.invoke(args=["vaccines", "list"]).stdout == "No vaccine types yet.\n"


def test_refusals_exit_non_zero_and_add_nothing(runner, dbs):
    with dbs() as session:
        rabies = f.vaccine_type(session, "Rabies", ("cat",))
        f.vaccination(session, f.pet(session, f.owner(session)), rabies, date(2025, 1, 1))
        session.commit()
    cases = [
        (["add", "RABIES", "--species", "cat", "--interval", "12"], 1,
         "No vaccine type added: A vaccine type named 'RABIES' exists already."),
        (["add", "FeLV", "--species", "lizard-ish", "--interval", "12"], 2, "no pet type"),
        (["add", "FeLV", "--species", "cat", "--interval", "0"], 2, "0 is not in the range"),
        (["add", "FeLV", "--interval", "12"], 2, "Missing option '--species'"),
        (["remove", "Rabies"], 1, "'Rabies' has vaccinations on record, so it cannot be removed."),
        (["remove", "Nothing"], 1, "There is no vaccine type named 'Nothing'."),
    ]
    for args, code, message in cases:
        result = runner.invoke(args=["vaccines", *args])
        assert result.exit_code == code, (args, result.output)
        assert message in result.stderr, (args, result.stderr)
    assert names(dbs) == ["Rabies"]
