"""Owner pages: search, register (with an optional first pet), details, edit, delete."""

import re
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import has_app_context
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from app import create_app
from app.models import Appointment, AppointmentStatus, Owner, Pet, Visit
from app.owners.search_sql import after_prefix
from app.owners.services import (
    last_name_starts_with,
    owner_details,
    register_owner,
    search_owners,
    upcoming_appointments,
)
from tests import factories as f

VALID_OWNER = {
    "first_name": "Jean",
    "last_name": "Coleman",
    "address": "105 N. Lake St.",
    "city": "Monona",
    "telephone": "(608) 555-2654",
    "email": "",
}


def owner_count(dbs):
    """How many owners the database holds."""
    with dbs() as session:
        return session.scalar(sa.select(sa.func.count(Owner.id)))


def make_owners(dbs, *names):
    """Owners with the given 'First Last' names; returns their ids."""
    with dbs() as session:
        rows = [f.owner(session, first_name=n.split()[0], last_name=n.split()[1]) for n in names]
        session.commit()
        return [row.id for row in rows]


# --- search ---------------------------------------------------------------------------------


def test_find_page_shows_the_search_form(client):
    page = client.get("/owners/find").get_data(as_text=True)
    assert 'name="q"' in page and "Find owner" in page


def test_empty_search_lists_every_owner_by_last_then_first_name(client, dbs):
    make_owners(dbs, "Zoe Adams", "Betty Davis", "Adam Adams", "Harold Davis")
    page = client.get("/owners?lastName=").get_data(as_text=True)
    order = [page.index(name) for name in ("Adam Adams", "Zoe Adams", "Betty Davis", "Harold Davis")]
    assert order == sorted(order)


def test_search_matches_a_last_name_prefix_ignoring_case(client, dbs):
    make_owners(dbs, "Betty Davis", "Harold Davis", "Peter McTavish")
    page = client.get("/owners?lastName=dAV").get_data(as_text=True)
    assert "Betty Davis" in page and "Harold Davis" in page and "McTavish" not in page


def test_search_with_one_match_goes_straight_to_the_owner(client, dbs):
    (owner_id, _) = make_owners(dbs, "George Franklin", "Betty Davis")
    response = client.get("/owners?lastName=fra")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/owners/{owner_id}")


def test_search_without_match_says_so_in_a_sentence(client, dbs):
    make_owners(dbs, "George Franklin")
    response = client.get("/owners?lastName=Nobody")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "No owner or pet has a name starting with “Nobody”." in page
    assert "has not been found" not in page


@pytest.mark.parametrize(
    ("term", "expected", "not_expected"),
    [
        ("ab%", "Ann Ab%cd", "Ann Abxcd"),
        ("a_b", "Ann A_bc", "Ann Axbc"),
        ("o'b", "Ann O'Brien", "Ann Obama"),
        ("ém", "Ann Émond", "Ann Emond"),
    ],
)
def test_search_terms_are_matched_literally(client, dbs, term, expected, not_expected):
    make_owners(dbs, expected, not_expected, "Zed Zulu")
    response = client.get("/owners", query_string={"lastName": term})
    assert response.status_code == 302  # exactly one match
    owner_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with dbs() as session:
        assert session.get(Owner, owner_id).full_name == expected


def test_search_finds_owners_through_an_alias_with_their_pets(dbs):
    make_owners(dbs, "Betty Davis", "Harold Davis", "Peter McTavish", "Ann Dave")
    with dbs() as session:
        f.pet(session, session.scalar(sa.select(Owner).filter_by(first_name="Ann")))
        session.commit()
    owner = aliased(Owner, name="desk_search")
    with dbs() as session:
        found = session.scalars(search_owners("dav", owner)).all()
        names = [(o.full_name, len(o.pets)) for o in found]  # raise_on_sql unless loaded
        everyone = session.scalars(search_owners("", owner)).all()
    assert names == [("Ann Dave", 1), ("Betty Davis", 0), ("Harold Davis", 0)]
    assert [o.last_name for o in everyone] == ["Dave", "Davis", "Davis", "McTavish"]


@pytest.mark.parametrize(
    ("dialect", "where", "order_by"),
    [
        (
            sqlite.pysqlite.dialect(),
            "owners.last_name_folded >= ? AND owners.last_name_folded < ?",
            "ORDER BY owners.last_name_folded, owners.first_name, owners.id",
        ),
        (
            postgresql.psycopg.dialect(),
            (
                "owners.last_name_folded ~>=~ %s::VARCHAR"
                " AND owners.last_name_folded ~<~ %s::VARCHAR"
            ),
            "ORDER BY owners.last_name_folded USING ~<~, owners.first_name, owners.id",
        ),
    ],
    ids=["sqlite", "postgresql"],
)
def test_the_search_compiles_for_each_database_without_a_session(dialect, where, order_by):
    # The index-friendly operators are chosen by the dialect compiling the statement.
    assert not has_app_context()

    def sql(statement):
        text = " ".join(str(statement.compile(dialect=dialect)).split())
        return re.sub(r"%\(\w+\)s", "%s", text)  # parameter names are the compiler's

    assert f"FROM owners WHERE {where} {order_by}" in sql(search_owners("dav"))
    # The criterion alone brings its table, as a comparison of columns would.
    count = sa.select(sa.func.count()).where(last_name_starts_with("dav"))
    assert f"FROM owners WHERE {where}" in sql(count)


@pytest.mark.parametrize(
    ("prefix", "end"),
    [("sch", "sci"), ("o'", "o("), ("a\U0010ffff", "b"), ("\U0010ffff", None),
     ("\ud7ff", "\ue000")],
)
def test_a_prefix_search_reads_names_up_to_the_first_string_after_the_prefix(prefix, end):
    assert after_prefix(prefix) == end


def test_search_pages_keep_the_search_term(client, dbs, app):
    make_owners(dbs, *[f"Owner{i:02d} Smith" for i in range(app.config["PAGE_SIZE"] + 2)])
    make_owners(dbs, "Other Jones")
    first = client.get("/owners?lastName=smi").get_data(as_text=True)
    assert "page 1 of 2" in first
    assert "lastName=smi" in first and "page=2" in first
    second = client.get("/owners?lastName=smi&page=2").get_data(as_text=True)
    assert "page 2 of 2" in second and "Jones" not in second
    assert second.count("Smith</a>") == 2


def test_a_search_counts_its_matches_no_further_than_the_limit(
    client, dbs, app, monkeypatch, statements
):
    monkeypatch.setitem(app.config, "SEARCH_COUNT_LIMIT", 5)
    make_owners(dbs, *[f"Owner{i:02d} Smith" for i in range(7)], "Other Jones")
    statements.reset()
    page = client.get("/owners?lastName=smi").get_data(as_text=True)
    assert "More than 5 owners, page 1. Type more to narrow the list." in page
    assert page.count("Smith</a>") == 7 and "Jones" not in page
    (count,) = [sql for sql in statements.sql if "count(*)" in sql.lower()]
    assert "LIMIT" in count.upper()
    exactly = client.get("/owners?lastName=").get_data(as_text=True)  # 8 owners: 5 is the limit
    assert "More than 5 owners" in exactly
    monkeypatch.setitem(app.config, "SEARCH_COUNT_LIMIT", 8)
    assert "8 owners, page 1 of 1." in client.get("/owners?lastName=").get_data(as_text=True)


@pytest.mark.parametrize("page", ["0", "-1", "99", "100000000000000000000000"])
def test_a_page_that_cannot_exist_is_a_404(client, dbs, page):
    make_owners(dbs, "Betty Davis", "Harold Davis")
    assert client.get(f"/owners?lastName=&page={page}").status_code == 404


def test_an_overlong_search_term_is_a_form_error(client):
    response = client.get("/owners", query_string={"q": "x" * 255})
    assert response.status_code == 400
    assert "Field cannot be longer than 254 characters" in response.get_data(as_text=True)


def test_owner_list_statements_do_not_grow_with_owners_or_pets(client, dbs, statements):
    make_owners(dbs, "A Smith", "B Smith")
    statements.reset()
    client.get("/owners?lastName=smi")
    small = statements.count
    with dbs() as session:
        for i in range(8):
            owner = f.owner(session, first_name=f"C{i}", last_name="Smith")
            for j in range(3):
                f.pet(session, owner, name=f"Pet{j}")
        session.commit()
    statements.reset()
    client.get("/owners?lastName=smi")
    assert statements.count == small <= 4  # signed-in user, count, page of owners, their pets


# --- register -------------------------------------------------------------------------------


def test_registering_an_owner_stores_a_normalised_telephone(client, dbs):
    response = client.post("/owners/new", data=VALID_OWNER, follow_redirects=True)
    assert "Owner Jean Coleman registered." in response.get_data(as_text=True)
    with dbs() as session:
        owner = session.scalar(sa.select(Owner))
        assert owner.telephone == "+16085552654"
        assert owner.email is None
        assert owner.created_at.tzinfo is not None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "", "This field is required."),
        ("last_name", "   ", "This field is required."),
        ("address", "", "This field is required."),
        ("city", "c" * 81, "Field cannot be longer than 80 characters."),
        ("last_name", "x" * 31, "Field cannot be longer than 30 characters."),
        ("telephone", "", "This field is required."),
        ("telephone", "call me", "Use digits, spaces and + - ( ) . only."),
        ("telephone", "12", "too few or too many digits"),
        ("telephone", "555 12+34", "Use digits, spaces and + - ( ) . only."),
        # The right length, but no such area code: possible numbers, not valid ones.
        ("telephone", "0000000000", "This number does not exist"),
        ("telephone", "1234567890", "This number does not exist"),
        ("telephone", "(608) 155-1023", "This number does not exist"),
        ("email", "not-an-email", "Invalid email address."),
        ("first_name", "Jo\x00hn", "control characters"),
    ],
)
def test_an_invalid_owner_is_refused_next_to_its_field_and_nothing_is_written(
    client, dbs, field, value, message
):
    data = VALID_OWNER | {field: value}
    response = client.post("/owners/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert 'value="105 N. Lake St."' in page or field == "address"  # keeps what was typed
    assert owner_count(dbs) == 0


@pytest.mark.parametrize("phone", ["+44 20 7946 0958", "608.555.2654", "(608) 555-2654", "6085552654"])
def test_telephone_numbers_are_accepted_as_people_write_them(client, dbs, phone):
    client.post("/owners/new", data=VALID_OWNER | {"telephone": phone})
    with dbs() as session:
        stored = session.scalar(sa.select(Owner.telephone))
    assert stored.startswith("+") and stored[1:].isdigit()


def test_registering_an_owner_with_a_first_pet_saves_both(client, dbs):
    with dbs() as session:
        cat = f.pet_type(session, "cat").id
        session.commit()
    data = VALID_OWNER | {"pet-name": "Samantha", "pet-birth_date": "2022-09-04", "pet-type_id": cat}
    page = client.post("/owners/new", data=data, follow_redirects=True).get_data(as_text=True)
    assert "Pet Samantha added." in page
    with dbs() as session:
        pet = session.scalar(sa.select(Pet))
        assert pet.name == "Samantha" and pet.owner_id == session.scalar(sa.select(Owner.id))


def test_an_invalid_first_pet_is_not_saved_but_the_owner_is_and_the_page_says_why(client, dbs, today):
    with dbs() as session:
        cat = f.pet_type(session, "cat").id
        session.commit()
    future = (today + timedelta(days=3)).isoformat()
    data = VALID_OWNER | {"pet-name": "Samantha", "pet-birth_date": future, "pet-type_id": cat}
    page = client.post("/owners/new", data=data, follow_redirects=True).get_data(as_text=True)
    assert "Owner Jean Coleman registered." in page
    assert "The pet was NOT saved." in page and "cannot be in the future" in page
    with dbs() as session:
        assert session.scalar(sa.select(sa.func.count(Pet.id))) == 0
        assert session.scalar(sa.select(sa.func.count(Owner.id))) == 1


def test_a_first_pet_refused_by_the_database_rolls_back_only_its_savepoint(dbs):
    with dbs() as session:
        details = VALID_OWNER | {"telephone": "6085552654"}
        missing_type = 987654
        pet = {"name": "Samantha", "birth_date": date(2022, 9, 4), "type_id": missing_type}
        owner, saved_pet, problem = register_owner(details, pet)
        session.commit()
        assert saved_pet is None and "refused" in problem
        assert session.get(Owner, owner.id) is not None
        assert session.scalar(sa.select(sa.func.count(Pet.id))) == 0


def test_a_post_without_csrf_token_is_refused_with_a_clear_page(database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x", "TESTING": True})
    response = app.test_client().post("/owners/new", data=VALID_OWNER)
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)


# --- details --------------------------------------------------------------------------------


def owner_with_history(session, today, pets=1, appointments=1):
    """An owner whose pets each have past and upcoming appointments and a visit."""
    owner = f.owner(session)
    vet = f.vet(session)
    tomorrow = datetime.combine(today + timedelta(days=1), datetime.min.time())
    for p in range(pets):
        pet = f.pet(session, owner, name=f"Pet{p}", kind="dog")
        slot = timedelta(minutes=30 * p)  # one vet sees the pets one after another
        for a in range(appointments):
            f.appointment(session, pet, vet,
                          starts_at=tomorrow.replace(hour=8) + timedelta(days=a) + slot)
        f.appointment(session, pet, vet, starts_at=tomorrow - timedelta(days=30) + slot,
                      reason="old one")
        f.appointment(session, pet, vet, starts_at=tomorrow.replace(hour=17), reason="called off",
                      status=AppointmentStatus.CANCELLED)
        f.visit(session, pet, vet, description=f"Visit of Pet{p}")
    session.commit()
    return owner


def test_owner_details_show_pets_types_ages_visits_and_upcoming_appointments(client, dbs, today):
    with dbs() as session:
        owner = owner_with_history(session, today)
    page = client.get(f"/owners/{owner.id}").get_data(as_text=True)
    assert "George Franklin" in page and "(608) 555-1023" in page
    assert "Pet0" in page and "Dog, born" in page and "(age " in page
    assert "Visit of Pet0" in page and "James Carter" in page
    assert "check-up" in page and "Scheduled" in page
    assert "old one" not in page and "called off" not in page


def test_owner_details_statements_do_not_grow_with_pets_and_appointments(
    client, dbs, statements, today
):
    with dbs() as session:
        small = owner_with_history(session, today, pets=1, appointments=1).id
        large = owner_with_history(session, today, pets=6, appointments=5).id
    statements.reset()
    client.get(f"/owners/{small}")
    small_count = statements.count
    statements.reset()
    assert client.get(f"/owners/{large}").status_code == 200
    # signed-in user, owner with pets and types, alerts, visits, their addenda, upcoming
    # appointments, the latest messages (the admin's audit trail is one more, admins only)
    assert statements.count == small_count <= 8


def test_owner_details_statements_are_built_once_a_day_and_list_that_days_appointments(
    app, dbs, today
):
    with dbs() as session:
        owner_id = owner_with_history(session, today, appointments=3).id
    tomorrow, day_after = today + timedelta(days=1), today + timedelta(days=2)
    assert upcoming_appointments(tomorrow) is upcoming_appointments(tomorrow)

    def upcoming_from(day):
        with app.app_context():
            owner = owner_details(owner_id, day)
            return [a.starts_at.date() for a in owner.pets[0].appointments]

    # one a day from tomorrow at 08:00 (the cancelled one and the past one are never listed)
    assert upcoming_from(tomorrow) == [tomorrow, tomorrow + timedelta(days=1), tomorrow + timedelta(days=2)]
    assert upcoming_from(day_after) == [day_after, day_after + timedelta(days=1)]
    with app.app_context():
        assert owner_details(999999, today) is None


def test_a_missing_owner_is_a_404_on_every_owner_page(client):
    for url in ("/owners/999999", "/owners/999999/edit", "/owners/999999/delete"):
        assert client.get(url).status_code == 404
    assert client.post("/owners/999999/delete").status_code == 404


# --- edit and delete ------------------------------------------------------------------------


def test_editing_an_owner_shows_the_number_as_people_write_it_and_saves_changes(client, dbs):
    (owner_id,) = make_owners(dbs, "George Franklin")
    assert "(608) 555-1023" in client.get(f"/owners/{owner_id}/edit").get_data(as_text=True)
    data = VALID_OWNER | {"first_name": "Georgina", "last_name": "Franklin", "email": "g@example.org"}
    response = client.post(f"/owners/{owner_id}/edit", data=data, follow_redirects=True)
    assert "Owner Georgina Franklin updated." in response.get_data(as_text=True)
    with dbs() as session:
        owner = session.get(Owner, owner_id)
        assert (owner.first_name, owner.email, owner.telephone) == (
            "Georgina", "g@example.org", "+16085552654"
        )


def test_an_invalid_edit_changes_nothing(client, dbs):
    (owner_id,) = make_owners(dbs, "George Franklin")
    response = client.post(f"/owners/{owner_id}/edit", data=VALID_OWNER | {"last_name": ""})
    assert "This field is required." in response.get_data(as_text=True)
    with dbs() as session:
        assert session.get(Owner, owner_id).last_name == "Franklin"


def test_a_number_stored_before_the_rule_is_shown_as_stored_and_an_edit_must_fix_it(client, dbs):
    with dbs() as session:
        owner_id = f.owner(session, telephone="+11234567890").id
        session.commit()
    assert "+11234567890" in client.get(f"/owners/{owner_id}").get_data(as_text=True)
    form = client.get(f"/owners/{owner_id}/edit").get_data(as_text=True)
    assert 'value="+11234567890"' in form
    data = VALID_OWNER | {"telephone": "+11234567890", "city": "Monona"}
    refused = client.post(f"/owners/{owner_id}/edit", data=data)
    assert "This number does not exist" in refused.get_data(as_text=True)
    client.post(f"/owners/{owner_id}/edit", data=data | {"telephone": "608 555 1023"})
    with dbs() as session:
        owner = session.get(Owner, owner_id)
        assert (owner.city, owner.telephone) == ("Monona", "+16085551023")


def test_delete_confirmation_lists_what_will_go(client, dbs, today):
    with dbs() as session:
        owner = owner_with_history(session, today, pets=2)
    page = client.get(f"/owners/{owner.id}/delete").get_data(as_text=True)
    assert "Pet0 (dog): 3 appointment(s), 1 visit(s)" in page
    assert "Pet1 (dog)" in page


def test_deleting_an_owner_removes_pets_appointments_and_visits(client, dbs, today):
    with dbs() as session:
        owner = owner_with_history(session, today, pets=2)
        other = f.owner(session, last_name="Davis").id
        session.commit()
    response = client.post(f"/owners/{owner.id}/delete", follow_redirects=True)
    assert "were deleted" in response.get_data(as_text=True)
    with dbs() as session:
        assert session.scalars(sa.select(Owner.id)).all() == [other]
        for model in (Pet, Appointment, Visit):
            assert session.scalar(sa.select(sa.func.count()).select_from(model)) == 0
