"""Likely duplicate owners: registering or editing one warns, links them, and can go on."""

import re

import pytest
import sqlalchemy as sa

from app.models import Owner
from app.owners.duplicates import duplicates_query, likely_duplicates
from tests import factories as f

NEW_OWNER = {"first_name": "Jean", "last_name": "Coleman", "address": "105 N. Lake St.",
             "city": "Monona", "telephone": "608 555 2654", "email": ""}


@pytest.fixture
def existing(dbs):
    """Betty Davis, with a telephone, an email and an address to collide with."""
    with dbs() as session:
        owner = f.owner(session, "Davis", "Betty", address="638 Cardinal Ave.",
                        telephone="+16085551749", email="Betty.Davis@example.com")
        session.commit()
        return owner.id


def owner_count(dbs):
    with dbs() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(Owner))


def shown_ids(page):
    """The ids the "Save anyway" button carries."""
    return re.search(r'name="save_anyway"\s+value="([\d ]*)"', page).group(1)


@pytest.mark.parametrize("change, reason", [
    ({"telephone": "(608) 555-1749"}, "same telephone"),  # another way of writing it
    ({"email": "betty.DAVIS@example.com"}, "same email"),
    ({"first_name": "BETTY", "last_name": "davis", "address": "  638 cardinal AVE. "},
     "same name and address"),
])
def test_registering_a_likely_duplicate_warns_and_saves_nothing(client, dbs, existing, change,
                                                                reason):
    before = owner_count(dbs)
    page = client.post("/owners/new", data={**NEW_OWNER, **change})
    assert page.status_code == 200
    assert "This owner may be registered already" in page.text
    assert f'href="/owners/{existing}"' in page.text  # open the existing one
    assert reason in page.text
    assert shown_ids(page.text) == str(existing)
    assert owner_count(dbs) == before
    assert 'value="Monona"' in page.text  # what the desk typed is kept


def test_save_anyway_registers_the_owner(client, dbs, existing):
    data = {**NEW_OWNER, "telephone": "608-555-1749"}
    warned = client.post("/owners/new", data=data)
    saved = client.post("/owners/new", data={**data, "save_anyway": shown_ids(warned.text)})
    assert saved.status_code == 302
    with dbs() as session:
        assert session.scalars(
            sa.select(Owner.id).where(Owner.telephone == "+16085551749").order_by(Owner.id)
        ).all() == [existing, int(saved.headers["Location"].rsplit("/", 1)[1])]


def test_save_anyway_for_other_duplicates_warns_again(client, dbs, existing):
    # Confirmed for someone else (the desk changed the details after the warning): warned.
    with dbs() as session:
        other = f.owner(session, "Else", "Someone", telephone="+16085550000").id
        session.commit()
    page = client.post("/owners/new", data={**NEW_OWNER, "telephone": "608 555 1749",
                                            "save_anyway": str(other)})
    assert page.status_code == 200 and "may be registered already" in page.text
    for junk in ("x", "²", "9" * 30, f"{other} " * 100, f"{existing}x"):
        assert client.post("/owners/new", data={**NEW_OWNER, "telephone": "608 555 1749",
                                                "save_anyway": junk}).status_code == 200


def test_an_owner_unlike_any_other_is_registered_at_once(client, existing):
    assert client.post("/owners/new", data=NEW_OWNER).status_code == 302


def test_editing_warns_about_others_never_about_itself(client, dbs, existing):
    url = f"/owners/{existing}/edit"
    itself = {"first_name": "Betty", "last_name": "Davis", "address": "638 Cardinal Ave.",
              "city": "Madison", "telephone": "608 555 1749", "email": "betty.davis@example.com"}
    assert client.post(url, data={**itself, "city": "Verona"}).status_code == 302
    with dbs() as session:
        other = f.owner(session, "Coleman", "Jean", telephone="+16085552654").id
        session.commit()
    # Unchanged compared values: nothing new to warn of, although Jean shares nothing.
    page = client.post(url, data={**itself, "telephone": "608 555 2654"})
    assert page.status_code == 200 and f'href="/owners/{other}"' in page.text
    assert f'href="/owners/{existing}"' not in page.text.split('id="duplicates"')[1].split("</div>")[0]
    saved = client.post(url, data={**itself, "telephone": "608 555 2654", "save_anyway": str(other)})
    assert saved.status_code == 302
    with dbs() as session:
        assert session.get(Owner, existing).telephone == "+16085552654"


def test_each_rule_is_reported_once_with_every_reason(app, dbs, existing):
    with dbs():
        found = likely_duplicates({"telephone": "+16085551749", "email": "BETTY.davis@example.com",
                                   "first_name": "Betty", "last_name": "Davis",
                                   "address": "638 Cardinal Ave."})
        assert [(d.owner.id, d.reasons) for d in found] == [
            (existing, ("same telephone", "same email", "same name and address"))]
        # A different first name or address is not the same person by name.
        assert likely_duplicates({"telephone": "+1", "email": None, "first_name": "Bette",
                                  "last_name": "Davis", "address": "638 Cardinal Ave."}) == []
        assert likely_duplicates({"telephone": "+16085551749"}, exclude_id=existing) == []


def plan_of(session, query):
    """The database's plan for a select, as text."""
    compiled = query.compile(dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True})
    if session.get_bind().dialect.name == "sqlite":
        rows = session.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}")).all()
        return "\n".join(row[-1] for row in rows)
    # A table this small is cheaper to scan; what matters is that an index can serve.
    session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    return "\n".join(row[0] for row in session.execute(sa.text(f"EXPLAIN {compiled}")))


def test_every_rule_is_an_index_look_up(app, dbs, existing):
    with dbs() as session:
        query, _ = duplicates_query({"telephone": "+16085551749", "email": "b@example.com",
                                     "first_name": "Betty", "last_name": "Davis",
                                     "address": "1 Main St."}, exclude_id=existing)
        plan = plan_of(session, query)
    for index in ("ix_owners_telephone", "ix_owners_email_folded"):
        assert index in plan, plan
    # The name rule by the search box's folded names, whichever the planner finds narrower.
    assert "ix_owners_last_name_folded" in plan or "ix_owners_first_name_folded" in plan, plan
    assert "SCAN owners" not in plan and "Seq Scan" not in plan, plan
