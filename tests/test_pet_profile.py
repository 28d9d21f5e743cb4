"""A pet's profile: sex, neutered, breed, colour, microchip (15 digits, unique when present,
found by the owner search) and the date of death (a deceased pet is not booked)."""

import contextlib
from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.appointments.services import BookingRefused, book_appointment
from app.constraints import UNIQUE, constraint_name, violation
from app.extensions import db
from app.models import Appointment, AppointmentStatus, Pet, Sex, Vet, Visit
from app.pets.services import microchipped
from tests import factories as f

CHIP = "985112003456789"
OTHER_CHIP = "276098106543210"
TAKEN = UNIQUE["uq_pets_microchip"].message


@pytest.fixture
def family(dbs, today):
    """George's cat Leo and dog Max (chipped), Jean's cat Rex; a vet; tomorrow; ids."""
    with dbs() as session:
        owner = f.owner(session)
        leo = f.pet(session, owner, name="Leo")
        max_ = f.pet(session, owner, name="Max", kind="dog")
        max_.microchip = CHIP
        other = f.owner(session, first_name="Jean", last_name="Coleman")
        rex = f.pet(session, other, name="Rex")
        vet = f.vet(session)
        session.commit()
        return {"owner": owner.id, "leo": leo.id, "max": max_.id, "other": other.id,
                "rex": rex.id, "cat": leo.type_id, "vet": vet.id,
                "tomorrow": today + timedelta(days=1)}


def pet_form(family, **changes):
    """A valid pet form submission with a profile."""
    return {"name": "Tom", "birth_date": "2021-05-01", "type_id": family["cat"],
            "sex": "male", "neutered": "y", "breed": "Maine Coon", "colour": "brown tabby",
            "microchip": "", "deceased_on": ""} | changes


def new_pet(client, family, **changes):
    return client.post(f"/owners/{family['owner']}/pets/new", data=pet_form(family, **changes))


def edit_pet(client, family, pet="leo", **changes):
    data = pet_form(family, name=changes.pop("name", pet.capitalize()), **changes)
    return client.post(f"/owners/{family['owner']}/pets/{family[pet]}/edit", data=data)


def stored(dbs, pet_id):
    with dbs() as session:
        return session.get(Pet, pet_id)


def pet_named(dbs, name):
    with dbs() as session:
        return session.scalar(sa.select(Pet).where(Pet.name == name))


# --- the profile fields ---------------------------------------------------------------------


def test_a_pet_is_added_with_its_profile_and_shown_with_it(client, dbs, family):
    response = new_pet(client, family, microchip="985 112 003-456 780")
    assert response.status_code == 302
    tom = pet_named(dbs, "Tom")
    assert (tom.sex, tom.neutered, tom.breed, tom.colour) == (Sex.MALE, True, "Maine Coon", "brown tabby")
    assert tom.microchip == "985112003456780"  # as printed on the label, stored as digits
    assert tom.deceased_on is None
    page = client.get(f"/owners/{family['owner']}").get_data(as_text=True)
    assert "Cat, Maine Coon, brown tabby, male, neutered, born 01 May 2021" in page
    assert "microchip 985112003456780" in page


def test_a_pet_left_undescribed_is_not_neutered_and_unchipped(client, dbs, family):
    data = {"name": "Tom", "birth_date": "2021-05-01", "type_id": family["cat"], "sex": "unknown"}
    assert client.post(f"/owners/{family['owner']}/pets/new", data=data).status_code == 302
    tom = pet_named(dbs, "Tom")
    assert (tom.sex, tom.neutered, tom.breed, tom.colour, tom.microchip) == (
        Sex.UNKNOWN, False, None, None, None)


@pytest.mark.parametrize("sex", ["female", "male", "unknown"])
def test_each_sex_is_stored(client, dbs, family, sex):
    assert edit_pet(client, family, sex=sex).status_code == 302
    assert stored(dbs, family["leo"]).sex == Sex(sex)


@pytest.mark.parametrize(("sex", "message"), [
    ("neuter", "Not a valid choice"), ("FEMALE", "Not a valid choice"), ("f", "Not a valid choice"),
    ("", "Choose the sex (or Unknown)."),  # the "Choose…" placeholder left as it was
])
def test_another_sex_is_refused(client, dbs, family, sex, message):
    response = edit_pet(client, family, sex=sex)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert stored(dbs, family["leo"]).sex == Sex.UNKNOWN


def test_the_database_holds_only_the_three_sexes(dbs, family):
    with dbs() as session, pytest.raises(IntegrityError) as refused, session.begin_nested():
        session.execute(sa.update(Pet).where(Pet.id == family["leo"]).values(sex="neuter"))
    assert constraint_name(refused.value) == "ck_pets_sex"


def test_the_edit_form_shows_the_stored_profile(client, dbs, family):
    with dbs() as session:
        pet = session.get(Pet, family["max"])
        pet.sex, pet.colour = Sex.FEMALE, "black"
        session.commit()
    page = client.get(f"/owners/{family['owner']}/pets/{family['max']}/edit").get_data(as_text=True)
    assert '<option selected value="female">' in page
    assert 'value="black"' in page and f'value="{CHIP}"' in page


@pytest.mark.parametrize(("field", "length"), [("breed", 40), ("colour", 40)])
def test_breed_and_colour_are_as_long_as_their_columns(client, dbs, family, field, length):
    assert edit_pet(client, family, **{field: "b" * length}).status_code == 302
    response = edit_pet(client, family, **{field: "b" * (length + 1)})
    assert f"Field cannot be longer than {length} characters." in response.get_data(as_text=True)


# --- microchip ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    ["98511200345678", "9851120034567890", "98511200345678x", "٩٨٥١١٢٠٠٣٤٥٦٧٨٩", "985.112.003.456.789"],
)
def test_a_microchip_is_fifteen_digits(client, dbs, family, number):
    response = edit_pet(client, family, microchip=number)
    assert response.status_code == 200
    assert "A microchip number is 15 digits (ISO 11784)." in response.get_data(as_text=True)
    assert stored(dbs, family["leo"]).microchip is None


@pytest.mark.parametrize(
    ("statement", "name"),
    [
        ("98511200345678", "ck_pets_microchip_digits"),
        ("98511200345678x", "ck_pets_microchip_digits"),
        ("98511200345678 ", "ck_pets_microchip_digits"),
    ],
)
def test_the_database_holds_microchips_of_fifteen_digits_only(dbs, family, statement, name):
    with dbs() as session, pytest.raises(IntegrityError) as refused, session.begin_nested():
        session.execute(sa.update(Pet).where(Pet.id == family["leo"]).values(microchip=statement))
    assert constraint_name(refused.value) == name
    assert violation(refused.value) is None  # a bug if it ever gets there: a 500, not a "retry"


def test_any_number_of_pets_have_no_microchip(client, dbs, family):
    for name in ("Tom", "Kit", "Ginger"):
        assert new_pet(client, family, name=name, microchip="").status_code == 302
    with dbs() as session:
        unchipped = session.scalar(sa.select(sa.func.count()).where(Pet.microchip.is_(None)))
    assert unchipped == 5  # Leo, Rex and the three new ones


def test_a_microchip_another_pet_has_is_refused_next_to_the_field(client, dbs, family):
    response = new_pet(client, family, microchip=CHIP)
    assert response.status_code == 200
    assert TAKEN in response.get_data(as_text=True)
    assert pet_named(dbs, "Tom") is None
    response = edit_pet(client, family, microchip=CHIP)
    assert TAKEN in response.get_data(as_text=True)
    assert stored(dbs, family["leo"]).microchip is None


def test_a_pet_keeps_its_own_microchip_when_edited_and_can_lose_it(client, dbs, family):
    assert edit_pet(client, family, pet="max", microchip=CHIP).status_code == 302
    assert stored(dbs, family["max"]).microchip == CHIP
    assert edit_pet(client, family, pet="max", microchip="").status_code == 302
    assert stored(dbs, family["max"]).microchip is None
    assert edit_pet(client, family, microchip=CHIP).status_code == 302  # free again: Leo takes it


@contextlib.contextmanager
def chipped_meanwhile(family, number):
    """At the flush that writes a pet, another desk's pet takes ``number`` first."""
    fired = []

    def listener(session, flush_context, instances):
        if not fired and any(isinstance(row, Pet) for row in [*session.new, *session.dirty]):
            fired.append(True)
            session.execute(sa.insert(Pet).values(
                owner_id=family["other"], type_id=family["cat"], name="Twin",
                birth_date=date(2020, 1, 1), microchip=number))

    event.listen(Session, "before_flush", listener)
    try:
        yield fired
    finally:
        event.remove(Session, "before_flush", listener)


@pytest.mark.parametrize("change", [new_pet, edit_pet])
def test_a_microchip_taken_by_a_racing_request_is_refused_by_the_unique_index(
    client, dbs, family, change
):
    # The form's own check saw the number free; the unique index refuses it at the write,
    # and the desk reads the one message of app.constraints.UNIQUE, next to the field.
    with chipped_meanwhile(family, OTHER_CHIP) as fired:
        response = change(client, family, microchip=OTHER_CHIP)
    assert fired
    assert response.status_code == 200
    assert TAKEN in response.get_data(as_text=True)
    with dbs() as session:
        holders = session.scalars(sa.select(Pet.name).where(Pet.microchip == OTHER_CHIP)).all()
    assert holders == []  # the savepoint took the racing row back with ours, in this test


def test_the_unique_index_is_named_and_means_the_microchip_is_taken(dbs, family):
    with dbs() as session, pytest.raises(IntegrityError) as refused, session.begin_nested():
        session.execute(sa.update(Pet).where(Pet.id == family["leo"]).values(microchip=CHIP))
    assert constraint_name(refused.value) == "uq_pets_microchip"
    assert violation(refused.value) == UNIQUE["uq_pets_microchip"]
    assert violation(refused.value).field == "microchip"


def explained(session, statement):
    """The database's plan for a statement, as one string."""
    dialect = session.get_bind().dialect
    compiled = statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    if dialect.name == "sqlite":
        rows = session.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}")).all()
        return " ".join(str(row[-1]) for row in rows)
    session.execute(sa.text("SET LOCAL enable_seqscan = off"))  # a few rows: no shortcut
    return " ".join(session.execute(sa.text(f"EXPLAIN {compiled}")).scalars())


def test_the_microchip_look_up_reads_the_unique_index(dbs, family):
    with dbs() as session:
        assert "uq_pets_microchip" in explained(session, microchipped(CHIP))


# --- the owner search finds a pet's owner by its microchip -----------------------------------


@pytest.mark.parametrize("typed", [CHIP, f" {CHIP[:3]} {CHIP[3:9]} {CHIP[9:]} "])
def test_a_whole_microchip_finds_the_pets_owner(client, family, typed):
    response = client.get("/owners", query_string={"lastName": typed})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/owners/{family['owner']}#pet-{family['max']}")


def test_an_unknown_microchip_says_so(client, family):
    page = client.get("/owners", query_string={"lastName": OTHER_CHIP}).get_data(as_text=True)
    assert f"No pet has microchip {OTHER_CHIP}, and no owner has a telephone number" in page


def test_part_of_a_microchip_is_a_telephone_search(client, family):
    page = client.get("/owners", query_string={"lastName": CHIP[:14]}).get_data(as_text=True)
    assert f"No owner has a telephone number ending in or matching “{CHIP[:14]}”." in page


# --- deceased -------------------------------------------------------------------------------


def test_a_pet_recorded_as_deceased_keeps_its_record_and_shows_it(client, dbs, family, today):
    assert edit_pet(client, family, deceased_on=today.isoformat()).status_code == 302
    assert stored(dbs, family["leo"]).deceased_on == today
    page = client.get(f"/owners/{family['owner']}").get_data(as_text=True)
    assert "Leo</a> <span class=\"text-muted fw-normal\">(deceased)</span>" in page
    assert f"Deceased {today:%d %b %Y}" in page and f"died {today:%d %b %Y}" in page


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (lambda today: today + timedelta(days=1), "The date of death cannot be in the future."),
        (lambda today: date(2021, 4, 30), "The date of death cannot be before the birth date."),
    ],
)
def test_an_impossible_date_of_death_is_refused(client, dbs, family, today, day, message):
    response = edit_pet(client, family, birth_date="2021-05-01", deceased_on=day(today).isoformat())
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert stored(dbs, family["leo"]).deceased_on is None


def test_a_pet_can_die_on_the_day_it_was_born(client, dbs, family):
    assert edit_pet(client, family, birth_date="2021-05-01", deceased_on="2021-05-01").status_code == 302


def test_the_database_refuses_a_death_before_birth(dbs, family):
    with dbs() as session, pytest.raises(IntegrityError) as refused, session.begin_nested():
        session.execute(sa.update(Pet).where(Pet.id == family["leo"])
                        .values(deceased_on=date(2001, 1, 1)))
    assert constraint_name(refused.value) == "ck_pets_deceased_after_birth"


def deceased(dbs, family, pet="leo", day=date(2026, 3, 12)):
    with dbs() as session:
        session.get(Pet, family[pet]).deceased_on = day
        session.commit()


def book_url(family, pet="leo"):
    return f"/owners/{family['owner']}/pets/{family[pet]}/appointments/new"


def booking(family, hour=10):
    return {"vet_id": family["vet"], "date": family["tomorrow"].isoformat(),
            "start_time": f"{hour:02d}:00", "duration_minutes": 30, "reason": "check-up"}


def appointment_count(dbs):
    with dbs() as session:
        return session.scalar(sa.select(sa.func.count(Appointment.id)))


def test_the_owner_page_offers_no_booking_for_a_deceased_pet(client, dbs, family):
    deceased(dbs, family)
    page = client.get(f"/owners/{family['owner']}").get_data(as_text=True)
    leo_card = page[page.index(f'id="pet-{family["leo"]}"'):page.index(f'id="pet-{family["max"]}"')]
    max_card = page[page.index(f'id="pet-{family["max"]}"'):]
    for card, offered in ((leo_card, False), (max_card, True)):
        assert ("Book appointment" in card) is offered
        assert ("Find free slots" in card) is offered
        assert "Edit pet" in card


@pytest.mark.parametrize(
    ("method", "page"),
    [("get", "appointments/new"), ("post", "appointments/new"),
     ("get", "appointments/free?reason=check-up")],
)
def test_a_deceased_pet_is_not_offered_for_booking(client, dbs, family, method, page):
    deceased(dbs, family)
    url = f"/owners/{family['owner']}/pets/{family['leo']}/{page}"
    response = getattr(client, method)(url, data=booking(family), follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Leo is recorded as deceased (12 Mar 2026)." in text
    assert response.request.path == f"/owners/{family['owner']}"
    assert appointment_count(dbs) == 0


def test_booking_refuses_a_deceased_pet_under_the_pets_lock(app, dbs, family):
    deceased(dbs, family)
    starts = datetime.combine(family["tomorrow"], time(10))
    with app.test_request_context(), pytest.raises(BookingRefused) as refused:
        book_appointment(family["leo"], family["vet"], starts, 30, "check-up")
    assert str(refused.value) == "Leo is recorded as deceased (12 Mar 2026)."
    assert refused.value.field == "pet_id"
    with app.test_request_context():
        db.session.rollback()


LOCKED_PET_COLUMNS = ["id", "name", "deceased_on"]


@contextlib.contextmanager
def dies_before_the_lock(family, day):
    """Record the pet as deceased just before the booking locks its row (another desk's save)."""
    fired = []

    def listener(state):
        columns = getattr(state.statement, "selected_columns", None)
        # The booking's lock of the pet: SELECT id, name, deceased_on ... FOR UPDATE.
        if not fired and columns is not None and list(columns.keys()) == LOCKED_PET_COLUMNS:
            fired.append(True)
            state.session.execute(sa.update(Pet).where(Pet.id == family["leo"])
                                  .values(deceased_on=day))

    event.listen(Session, "do_orm_execute", listener)
    try:
        yield fired
    finally:
        event.remove(Session, "do_orm_execute", listener)


def test_a_pet_recorded_as_deceased_while_the_form_was_open_is_not_booked(client, dbs, family, today):
    with dies_before_the_lock(family, today) as fired:
        response = client.post(book_url(family), data=booking(family), follow_redirects=True)
    assert fired
    assert f"Leo is recorded as deceased ({today:%d %b %Y})." in response.get_data(as_text=True)
    assert appointment_count(dbs) == 0


def test_a_follow_up_for_a_pet_that_died_at_the_visit_is_not_booked_but_the_visit_is(
    client, dbs, family, today
):
    with dbs() as session:
        leo, vet = session.get(Pet, family["leo"]), session.get(Vet, family["vet"])
        visit = f.appointment(session, leo, vet, starts_at=datetime.combine(today, time.min),
                              status=AppointmentStatus.CHECKED_IN)
        leo.deceased_on = today
        session.commit()
        appointment_id = visit.id
    data = {"description": "Put to sleep at the owner's wish.", "follow_up": "y",
            "follow_up_vet_id": family["vet"], "follow_up_date": family["tomorrow"].isoformat(),
            "follow_up_time": "10:00", "follow_up_minutes": 30}
    response = client.post(f"/appointments/{appointment_id}/complete", data=data,
                           follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "The follow-up was NOT booked." in text
    assert f"Leo is recorded as deceased ({today:%d %b %Y})." in text
    with dbs() as session:
        assert session.scalar(sa.select(sa.func.count(Visit.id))) == 1
    assert appointment_count(dbs) == 1  # the completed one only
