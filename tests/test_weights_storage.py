"""Kilograms are exact Decimals of two places on SQLite and PostgreSQL alike: what is written
is what is read, a float or a third decimal never gets in, and the database keeps the bounds."""

import random
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError

from app.models import PetWeight
from tests import factories as f

EDGES = ["0.01", "0.10", "0.99", "1.00", "12.35", "33.30", "999.99", "1000.01", "4095.95",
         "9999.99"]


@pytest.fixture
def pet_id(dbs):
    with dbs() as session:
        pet = f.pet(session, f.owner(session))
        session.commit()
        return pet.id


def round_trip(dbs, pet_id, values):
    """The values written (in one INSERT through the model's type) and read back, in order."""
    with dbs() as session:
        session.execute(sa.insert(PetWeight), [
            {"pet_id": pet_id, "recorded_on": date(2025, 1, 1), "kilograms": value}
            for value in values
        ])
        session.commit()
    with dbs() as session:
        return session.scalars(sa.select(PetWeight.kilograms).order_by(PetWeight.id)).all()


def test_every_possible_weight_survives_sqlites_real_storage():
    # What SQLAlchemy does with NUMERIC on SQLite: binds float(value), SQLite stores that
    # double as it is, and the type reads it back as "%.2f" % the double. All 999,999 weights:
    for hundredths in range(1, 1_000_000):
        value = Decimal(hundredths).scaleb(-2)
        assert Decimal("%.2f" % float(value)) == value, value  # noqa: UP031 (as SQLAlchemy does)


def test_weights_read_back_exactly_what_was_written(dbs, pet_id):
    rng = random.Random(17)
    values = [Decimal(v) for v in EDGES]
    values += [Decimal(n).scaleb(-2) for n in range(1, 2001)]  # 0.01 to 20.00, every one
    values += [Decimal(rng.randrange(1, 1_000_000)).scaleb(-2) for _ in range(2000)]
    read = round_trip(dbs, pet_id, values)
    assert read == values
    # The same digits too: 0.10 stays "0.10", never 0.1 or 0.1000000000000000055511151231257827.
    assert [str(value) for value in read] == [f"{value:.2f}" for value in values]
    assert all(type(value) is Decimal for value in read)


def test_the_database_itself_holds_the_exact_value(dbs, pet_id):
    round_trip(dbs, pet_id, [Decimal("12.35")])
    with dbs() as session:
        # Compared in SQL, not in Python: the stored value equals the literal 12.35.
        assert session.scalar(sa.text("SELECT count(*) FROM pet_weights WHERE kilograms = 12.35")) == 1


@pytest.mark.parametrize("value", [12.35, 12, "12.35"])
def test_only_decimals_are_written(dbs, pet_id, value):
    with dbs() as session, pytest.raises(StatementError, match="Kilograms are Decimals"):
        session.add(PetWeight(pet_id=pet_id, recorded_on=date(2025, 1, 1), kilograms=value))
        session.flush()


@pytest.mark.parametrize("value", ["12.345", "0.001", "NaN", "Infinity"])
def test_a_third_decimal_is_refused_not_rounded(dbs, pet_id, value):
    # PostgreSQL would round 12.345 to 12.35 silently, SQLite keep it: neither gets the chance.
    with dbs() as session, pytest.raises(StatementError, match="at most two decimals"):
        session.add(PetWeight(pet_id=pet_id, recorded_on=date(2025, 1, 1), kilograms=Decimal(value)))
        session.flush()


@pytest.mark.parametrize(("kilograms", "refusal"), [
    ("0", IntegrityError), ("-1.5", IntegrityError),
    # PostgreSQL's NUMERIC(6, 2) overflows first (a DataError); SQLite's CHECK refuses it.
    ("10000", DBAPIError),
])
def test_the_database_refuses_weights_out_of_range_written_by_sql(dbs, pet_id, kilograms, refusal):
    with dbs() as session, pytest.raises(refusal), session.begin_nested():
        session.execute(sa.text(
            "INSERT INTO pet_weights (pet_id, recorded_on, kilograms, created_at) "
            f"VALUES (:pet, '2025-01-01', {kilograms}, CURRENT_TIMESTAMP)"), {"pet": pet_id})


def test_the_heaviest_weight_is_allowed_by_the_database(dbs, pet_id):
    assert round_trip(dbs, pet_id, [Decimal("9999.99")]) == [Decimal("9999.99")]
