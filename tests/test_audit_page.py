"""The /audit page: filters (who, what, when), paging newest first, clinic-local times,
records by name, statements that do not grow with the entries; and the same readable lines
in the trail at the foot of record pages."""

import re
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from app.audit_log.routes import PER_PAGE
from app.models import Appointment, AuditEntry
from tests import factories as f


def text(response):
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def rows(response):
    """The cells of each row of the entries table."""
    html = response.get_data(as_text=True)
    table = re.search(r'<table[^>]*id="audit-entries".*?</table>', html, re.DOTALL)
    if table is None:
        return []
    cells = [[" ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
              for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)]
             for row in re.findall(r"<tr>(.*?)</tr>", table.group(0), re.DOTALL)]
    return [row for row in cells if row]


@pytest.fixture
def moved(dbs):
    """Max (pet of George Franklin) whose appointment moved from Helen Leary to James Carter."""
    with dbs() as session:
        owner = f.owner(session)
        max_ = f.pet(session, owner, name="Max")
        leary = f.vet(session, last_name="Leary", first_name="Helen")
        carter = f.vet(session)
        appointment = f.appointment(session, max_, leary)
        session.commit()
        appointment.vet_id = carter.id
        session.commit()
        return {"owner": owner.id, "pet": max_.id, "appointment": appointment.id}


def entry(session, at, actor="admin", action="update", kind="owner", entity_id=1, summary="x"):
    session.execute(sa.insert(AuditEntry), [{"at": at, "actor": actor, "action": action,
                                             "entity_type": kind, "entity_id": entity_id,
                                             "summary": summary}])


def test_records_and_changed_ids_are_shown_by_name(client, moved):
    page = client.get("/audit")
    lines = rows(page)
    changed = next(row for row in lines if row[2] == "update")
    assert changed[3].startswith("Max's appointment of ")
    assert changed[4] == "vet: Helen Leary → James Carter"
    booked = next(row for row in lines if row[2] == "create" and "appointment of" in row[3])
    assert "with vet James Carter" not in booked[4]  # booked with Leary, as it was
    assert "with Helen Leary for Max (pet of George Franklin)" in booked[4]
    assert "Max (pet of George Franklin)" in [row[3] for row in lines]
    assert not re.search(r"\b(pet|vet) #\d", text(page)) and "vet_id" not in text(page)


def test_times_are_the_clinics_and_the_days_filter_by_the_clinics_midnight(client, dbs):
    with dbs() as session:
        # 03:30 UTC on 2 July is 22:30 on 1 July in Chicago (CDT, UTC-5).
        entry(session, datetime(2026, 7, 2, 3, 30, tzinfo=UTC), summary="late on the first")
        entry(session, datetime(2026, 7, 2, 15, 0, tzinfo=UTC), summary="on the second")
        session.commit()
    first = client.get("/audit?date_from=2026-07-01&date_to=2026-07-01")
    assert [row[0] for row in rows(first)] == ["01 Jul 2026 22:30 CDT"]
    assert [row[4] for row in rows(first)] == ["late on the first"]
    second = client.get("/audit?date_from=2026-07-02&date_to=2026-07-02")
    assert [row[0] for row in rows(second)] == ["02 Jul 2026 10:00 CDT"]


def test_filters_by_who_kind_and_record(client, dbs):
    at = datetime(2026, 1, 5, 15, tzinfo=UTC)
    with dbs() as session:
        entry(session, at, actor="reception", kind="owner", entity_id=7, summary="a")
        entry(session, at + timedelta(minutes=1), actor="carter", kind="owner", entity_id=7, summary="b")
        entry(session, at + timedelta(minutes=2), actor="reception", kind="pet", entity_id=7, summary="c")
        entry(session, at + timedelta(minutes=3), actor="cli:root", kind="closure",
              entity_id=20261225, action="create", summary="closed 2026-12-25: Christmas")
        session.commit()
    details = lambda url: [row[4] for row in rows(client.get(url))]
    assert details("/audit?who=reception&date_from=2026-01-05") == ["c", "a"]
    assert details("/audit?kind=owner&record=7&date_from=2026-01-05") == ["b", "a"]
    assert details("/audit?who=cli:root&date_from=2026-01-05") == ["closed 2026-12-25: Christmas"]
    closure = rows(client.get("/audit?kind=closure&date_from=2026-01-05"))[0]
    assert closure[3] == "closure of 2026-12-25"


@pytest.mark.parametrize("query", ["record=abc", "record=0", f"record={'9' * 40}",
                                   "date_from=2026-02-30", "date_from=2026-03-02&date_to=2026-03-01",
                                   "kind=spaceship", "page=0"])
def test_bad_filters_are_a_400_or_404_page(client, query):
    assert client.get(f"/audit?{query}").status_code in (400, 404)


def test_pages_newest_first(client, dbs):
    start = datetime(2025, 3, 1, 12, tzinfo=UTC)
    with dbs() as session:
        for n in range(PER_PAGE + 5):
            entry(session, start + timedelta(minutes=n), actor="pager", summary=f"n{n}")
        session.commit()
    first = client.get("/audit?who=pager")
    assert [row[4] for row in rows(first)] == [f"n{n}" for n in range(PER_PAGE + 4, 4, -1)]
    assert "/audit?page=2&amp;who=pager" in first.get_data(as_text=True)
    second = client.get("/audit?who=pager&page=2")
    assert [row[4] for row in rows(second)] == ["n4", "n3", "n2", "n1", "n0"]
    assert "Older" not in text(second) and "Newer" in text(second)


def test_statements_do_not_grow_with_the_entries_and_records_named(client, dbs, statements, today):
    def clinic(n):
        with dbs() as session:
            vet = f.vet(session, last_name=f"Vet{n}")
            for i in range(n):
                owner = f.owner(session, last_name=f"Owner{n}x{i}", telephone=f"+1608555{n:02d}{i:02d}")
                pet = f.pet(session, owner, name=f"Pet{i}")
                f.visit(session, pet, vet)
                appointment = f.appointment(session, pet, vet)
                session.flush()
                appointment.vet_id = f.vet(session, last_name=f"Other{n}x{i}").id
            session.commit()

    clinic(1)
    statements.reset()
    assert client.get("/audit").status_code == 200
    few = statements.count
    clinic(8)
    statements.reset()
    page = client.get("/audit")
    # The user, the usernames (Who's suggestions), the entries, every name they mention.
    assert statements.count == few <= 4
    assert "vet: Vet8 → Other8x7" not in text(page)  # "James Vet8": full names
    assert "vet: James Vet8 → James Other8x7" in text(page)


def test_the_trail_on_a_record_page_is_readable_and_in_clinic_time(client, moved):
    page = text(client.get(f"/appointments/{moved['appointment']}"))
    assert "vet: Helen Leary → James Carter" in page and "vet_id" not in page
    assert re.search(r"\d\d \w{3} \d{4} \d\d:\d\d C[DS]T", page)
    owner_page = text(client.get(f"/owners/{moved['owner']}"))
    assert "Max (pet of George Franklin)" in owner_page and not re.search(r"pet #\d", owner_page)


def test_the_owner_page_names_its_trail_without_more_statements(client, dbs, moved, statements):
    statements.reset()
    client.get(f"/owners/{moved['owner']}")
    # The owner page's bound (tests/test_owners.py): its trail's names were loaded with it.
    assert statements.count <= 7


def test_admins_have_links_to_the_audit_trail_and_the_api_docs(client, sign_in, app):
    admin = client.get("/").get_data(as_text=True)
    prefix = app.config["API_PREFIX"]
    assert 'href="/audit"' in admin and f'href="{prefix}/docs"' in admin
    reception = sign_in("reception").get("/").get_data(as_text=True)
    assert 'href="/audit"' not in reception and f'href="{prefix}/docs"' not in reception
    assert sign_in("vet").get("/audit").status_code == 403


def test_a_deleted_record_keeps_its_number(client, dbs, moved):
    with dbs() as session:
        session.delete(session.get(Appointment, moved["appointment"]))
        session.commit()
    lines = rows(client.get(f"/audit?kind=appointment&record={moved['appointment']}"))
    assert lines[0][2] == "delete" and lines[0][3] == f"appointment #{moved['appointment']}"
    assert date.today().year  # the page is still answered
