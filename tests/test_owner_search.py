"""The search box: each kind of match, folding, highlights, one match opening, paging, misses."""

import re

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app import create_app
from app.extensions import db
from app.models import AuditEntry, Owner, Pet
from app.models.search_columns import fold, reversed_digits, search_values
from app.owners.search import OwnerSearch
from tests import factories as f

OWNER_LINK = re.compile(r'<a href="/owners/\d+">([^<]+)</a>')


def add(dbs, *owners):
    """Owners from (first, last, fields, pet names); returns their ids by "First Last"."""
    ids = {}
    with dbs() as session:
        for first, last, fields, pets in owners:
            owner = f.owner(session, first_name=first, last_name=last, **fields)
            for name in pets:
                f.pet(session, owner, name=name)
            ids[f"{first} {last}"] = owner.id
        session.commit()
    return ids


def search(client, text):
    """What the box answers: ("owner", id, anchor) for one match, ("list", names, page) or ("miss", page)."""
    response = client.get("/owners", query_string={"q": text})
    if response.status_code == 302:
        match = re.search(r"/owners/(\d+)(?:#(.+))?$", response.headers["Location"])
        return "owner", int(match[1]), match[2]
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    if 'id="owners"' in page:
        return "list", OWNER_LINK.findall(page), page
    return "miss", page


@pytest.fixture
def desk(dbs):
    """A small clinic's owners, with pets and contact details."""
    return add(
        dbs,
        ("Betty", "Davis", {"telephone": "+16085551749", "email": "betty.davis@example.com"},
         ["Basil"]),
        ("Harold", "Davis", {"telephone": "+16085553198"}, ["Leo", "Lemon", "Tom"]),
        ("Davina", "Rubble", {"telephone": "+16085550101", "email": "DRubble@Example.org"}, []),
        ("George", "Franklin", {"telephone": "+16085551023"}, ["Max"]),
        ("Peter", "McTavish", {"telephone": "+16085552765"}, ["Leopold"]),
    )


# --- names ----------------------------------------------------------------------------------


def test_a_word_finds_last_names_first_names_and_pet_names_that_start_with_it(client, desk):
    kind, names, _ = search(client, "dav")
    assert kind == "list" and names == ["Betty Davis", "Harold Davis", "Davina Rubble"]
    _, names, _ = search(client, "LE")
    assert names == ["Harold Davis", "Peter McTavish"]  # Leo and Lemon; Leopold


def test_the_pets_that_matched_are_marked_and_the_others_not(client, desk):
    _, _, page = search(client, "le")
    assert page.count('<mark class="matched-pet">') == 3
    for name in ("Leo", "Lemon", "Leopold"):
        assert f'<mark class="matched-pet">{name}<span class="visually-hidden"> (matches)' in page
    assert ", Tom</td>" in page  # Harold's third pet, not marked


@pytest.mark.parametrize("text", ["betty dav", "Davis Betty", "bet d", "  BETTY   DAVIS  "])
def test_first_and_last_name_in_either_order_open_the_one_owner(client, desk, text):
    assert search(client, text) == ("owner", desk["Betty Davis"], None)


def test_one_owner_found_by_a_pet_opens_at_that_pet(client, desk, dbs):
    with dbs() as session:
        basil = session.scalar(sa.select(Pet.id).where(Pet.name == "Basil"))
    assert search(client, "basi") == ("owner", desk["Betty Davis"], f"pet-{basil}")


def test_a_last_name_with_spaces_is_found_whole(client, dbs):
    ids = add(dbs, ("Anna", "van der Berg", {}, []), ("Van", "Morrison", {}, []))
    assert search(client, "van der b") == ("owner", ids["Anna van der Berg"], None)
    assert search(client, "van")[1] == ["Van Morrison", "Anna van der Berg"]


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        (("İnci", "İnal"), "i̇nal"),  # İ folds to i and a combining dot, on both databases
        (("İnci", "İnal"), "İN"),
        (("Ayşe", "Yıldız"), "YıLD"),  # dotless ı is its own letter
        (("Jürgen", "Straße"), "STRASSE"),  # ß folds to ss
        (("Jürgen", "Strasser"), "straß"),
        (("Ἀθηνᾶ", "Σοφία"), "ΣΟΦΊΑ"),  # final sigma
        (("Finn", "ﬁsher"), "fish"),  # the ligature is two letters (NFKC)
        (("Ann", "Ｏｋａｄａ"), "okad"),  # fullwidth letters (NFKC)
    ],
)
def test_names_are_folded_the_same_on_both_databases(client, dbs, stored, typed):
    ids = add(dbs, (*stored, {}, []), ("Zed", "Zulu", {}, []))
    assert search(client, typed) == ("owner", ids[" ".join(stored)], None)


def test_folding_keeps_accents_and_dotless_i_apart(client, dbs):
    add(dbs, ("Ann", "Émond", {}, []), ("Ayşe", "Yıldız", {}, []))
    assert search(client, "emond")[0] == "miss"
    assert search(client, "yild")[0] == "miss"  # "I" folds to "i", not to "ı"


# --- telephone ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["(608) 555-1023", "608.555.1023", "+1 608 555 1023", "6085551023", "1 608 555 1023",
     "555-1023", "1023"],
)
def test_a_telephone_in_any_format_or_its_last_digits_find_the_owner(client, desk, typed):
    assert search(client, typed) == ("owner", desk["George Franklin"], None)


def test_last_digits_shared_by_several_owners_list_them(client, desk, dbs):
    add(dbs, ("Ann", "Other", {"telephone": "+14155551023"}, []))
    assert search(client, "555-1023")[1] == ["George Franklin", "Ann Other"]
    assert search(client, "608-555-1023") == ("owner", desk["George Franklin"], None)


def test_a_national_number_with_a_trunk_prefix_finds_the_stored_one(client, dbs, app, monkeypatch):
    monkeypatch.setitem(app.config, "PHONE_REGION", "GB")
    ids = add(dbs, ("Ada", "Lovelace", {"telephone": "+442079460958"}, []), ("Zed", "Zulu", {}, []))
    assert search(client, "020 7946 0958") == ("owner", ids["Ada Lovelace"], None)
    assert search(client, "7946 0958") == ("owner", ids["Ada Lovelace"], None)


def test_fewer_than_four_digits_say_what_is_needed(client, desk):
    kind, page = search(client, "023")
    assert kind == "miss"
    assert ("“023” is too short to look up: type at least 4 digits of a telephone number, or a"
            " pet&#39;s whole microchip number (15 digits).") in page


def test_a_telephone_nobody_has_is_a_sentence(client, desk):
    kind, page = search(client, "(608) 555-0000")
    assert kind == "miss"
    assert "No owner has a telephone number ending in or matching “(608) 555-0000”." in page


# --- email ----------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["drubble@example.org", "DRUBBLE@EXAMPLE.ORG", "drubble@ex"])
def test_an_email_finds_its_owner_ignoring_case(client, desk, typed):
    assert search(client, typed) == ("owner", desk["Davina Rubble"], None)


def test_an_email_nobody_has_is_a_sentence(client, desk):
    kind, page = search(client, "nobody@example.com")
    assert kind == "miss"
    assert "No owner has an email address starting with “nobody@example.com”." in page


# --- microchip ------------------------------------------------------------------------------


def test_a_microchip_opens_its_owner_at_the_pet(client, desk, dbs):
    with dbs() as session:
        leo = session.scalar(sa.select(Pet).where(Pet.name == "Leo"))
        leo.microchip = "985112003456789"
        session.commit()
        leo_id = leo.id
    assert search(client, "985 112 003 456 789") == ("owner", desk["Harold Davis"], f"pet-{leo_id}")


# --- the list -------------------------------------------------------------------------------


def test_a_miss_is_a_full_sentence(client, desk):
    kind, page = search(client, "Nobody")
    assert kind == "miss"
    assert "No owner or pet has a name starting with “Nobody”." in page
    assert "has not been found" not in page


def test_the_spring_lastname_parameter_is_the_same_search(client, desk):
    assert client.get("/owners?lastName=betty+dav").headers["Location"].endswith(
        f"/owners/{desk['Betty Davis']}")


def test_pages_of_a_search_by_pet_name_keep_the_search(client, dbs, app):
    size = app.config["PAGE_SIZE"]
    add(dbs, *[(f"Owner{i:02d}", "Smith", {}, [f"Rex{i:02d}"]) for i in range(size + 2)],
        ("Other", "Jones", {}, ["Tom"]))
    kind, names, first = search(client, "rex")
    assert kind == "list" and len(names) == size and "page 1 of 2" in first
    assert "q=rex" in first and "page=2" in first
    second = client.get("/owners?q=rex&page=2").get_data(as_text=True)
    assert "page 2 of 2" in second and OWNER_LINK.findall(second) == ["Owner10 Smith", "Owner11 Smith"]


@pytest.mark.parametrize("text", ["le", "betty dav", "1749", "betty.davis@", ""])
def test_search_statements_do_not_grow_with_owners_or_pets(client, dbs, statements, desk, text):
    statements.reset()
    client.get("/owners", query_string={"q": text})
    small = statements.count
    add(dbs, *[(f"Betty{i}", "Davis", {"telephone": "+16085551749",
                                       "email": f"betty.davis{i}@example.com"},
                [f"Leo{i}{j}" for j in range(3)]) for i in range(8)])
    statements.reset()
    client.get("/owners", query_string={"q": text})
    assert statements.count == small <= 4  # signed-in user, count, page of owners, their pets


# --- the box in the navigation --------------------------------------------------------------


@pytest.mark.parametrize("role", ["reception", "vet", "admin"])
def test_every_role_with_owners_has_the_box_in_the_navigation(sign_in, role):
    page = sign_in(role).get("/vets").get_data(as_text=True)
    assert '<form method="get" action="/owners"' in page and 'name="q"' in page
    assert '<label class="visually-hidden" for="nav-q">' in page


def test_the_sign_in_page_has_no_search_box(anonymous):
    assert 'id="nav-q"' not in anonymous.get("/login").get_data(as_text=True)


# --- the SQL ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dialect", "among"),
    [(sqlite.pysqlite.dialect(), "WHERE owners.id IN (SELECT owners.id"),
     (postgresql.psycopg.dialect(), "WHERE owners.id = ANY(ARRAY(SELECT owners.id")],
    ids=["sqlite", "postgresql"],
)
def test_the_found_ids_are_looked_up_by_primary_key_on_each_database(dialect, among):
    # PostgreSQL would hash-join IN (...) against every owner; ANY(ARRAY(...)) it cannot.
    sql = " ".join(str(OwnerSearch("dav").owners().compile(dialect=dialect)).split())
    assert among in sql
    assert "FROM owners WHERE owners.last_name_folded" in sql  # not correlated away


# --- the search columns ---------------------------------------------------------------------


def test_the_orm_keeps_the_search_columns_with_what_they_copy(dbs, desk):
    with dbs() as session:
        owner = session.get(Owner, desk["Betty Davis"])
        owner.last_name, owner.email, owner.telephone = "STRAßE", None, "+442079460958"
        session.flush()
        row = session.execute(
            sa.select(Owner.last_name_folded, Owner.email_folded, Owner.phone_digits_reversed)
            .where(Owner.id == owner.id)
        ).one()
        assert tuple(row) == ("strasse", None, "859064970244")
        pet = session.scalar(sa.select(Pet).where(Pet.name == "Basil"))
        pet.name = "BASİL"
        session.flush()
        assert session.scalar(sa.select(Pet.name_folded).where(Pet.id == pet.id)) == "basi̇l"


def test_core_inserts_fill_the_search_columns_too(dbs):
    with dbs() as session:
        session.execute(sa.insert(Owner), [
            {"first_name": "Ölga", "last_name": "Weiß", "address": "a", "city": "c",
             "telephone": "+16085550042", "email": "O@X.org"},
            {"first_name": "Ed", "last_name": "Ng", "address": "a", "city": "c",
             "telephone": "+16085550043"},
        ])
        rows = session.execute(
            sa.select(Owner.first_name_folded, Owner.last_name_folded, Owner.email_folded,
                      Owner.phone_digits_reversed).order_by(Owner.id)
        ).all()
    assert [tuple(r) for r in rows] == [("ölga", "weiss", "o@x.org", "24005558061"),
                                        ("ed", "ng", None, "34005558061")]


def test_search_values_are_the_same_rule_for_rows_sent_whole():
    row = {"first_name": "Ölga", "last_name": "Weiß", "email": None, "telephone": "+16085550042"}
    assert search_values(Owner, row) == {
        "first_name_folded": "ölga", "last_name_folded": "weiss", "email_folded": None,
        "phone_digits_reversed": "24005558061"}
    assert fold("  Mary\u00a0 ANN ") == "mary ann" and reversed_digits("+1 (608)") == "8061"


def test_the_audit_trail_leaves_the_search_columns_out(client, desk, dbs):
    with dbs() as session:
        owner = session.get(Owner, desk["George Franklin"])
        owner.last_name = "Frank"
        session.commit()
        summary = session.scalars(
            sa.select(AuditEntry.summary).where(AuditEntry.entity_id == owner.id,
                                                AuditEntry.action == "update")
        ).one()
    assert summary == "last_name: Franklin → Frank"


# --- the migration --------------------------------------------------------------------------


def test_the_migration_fills_the_search_columns_of_the_rows_it_finds(empty_database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "SECRET_KEY": "x"})
    runner = app.test_cli_runner()
    try:
        assert runner.invoke(args=["db", "upgrade", "9dd2ccf794d5"]).exit_code == 0
        now = "2026-12-01 10:00:00+00:00"
        with app.app_context(), db.engine.begin() as conn:
            for statement in (
                ("INSERT INTO owners (id, first_name, last_name, address, city, telephone, email,"
                 " created_at, updated_at) VALUES (1, 'İnci', 'Straße', 'a', 'c', '+16085551023',"
                 " 'Inci@X.org', :now, :now)"),
                "INSERT INTO pet_types (id, name) VALUES (1, 'cat')",
                ("INSERT INTO pets (id, name, birth_date, owner_id, type_id, created_at, updated_at)"
                 " VALUES (1, 'LEO', '2020-01-01', 1, 1, :now, :now)"),
            ):
                conn.execute(sa.text(statement), {"now": now})
        result = runner.invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output
        with app.app_context(), db.engine.connect() as conn:
            owner = conn.execute(sa.text(
                "SELECT first_name_folded, last_name_folded, email_folded, phone_digits_reversed"
                " FROM owners")).one()
            assert tuple(owner) == ("i̇nci", "strasse", "inci@x.org", "32015558061")
            assert conn.execute(sa.text("SELECT name_folded FROM pets")).scalar() == "leo"
        result = runner.invoke(args=["db", "downgrade", "9dd2ccf794d5"])
        assert result.exit_code == 0, result.output
    finally:
        with app.app_context():
            db.engine.dispose()
