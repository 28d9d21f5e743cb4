"""Reminders: the due list (one row per owner), its filters, completion by a later dose,
dismissal, the call list as CSV and from `flask reminders due`, and constant statements."""

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import (
    DismissalReason,
    Owner,
    Pet,
    ReminderContact,
    ReminderDismissal,
    Vaccination,
    VaccineType,
)
from app.models.columns import utcnow
from app.reminders.due import DueFilter, due_page, owners_due
from tests import factories as f


@pytest.fixture
def due(dbs, today):
    """Franklin: Leo (rabies 5 days overdue) and Tom (FVRCP in 15 days); Davis: Rex (rabies in
    5 days, DHPP in 65, beyond the default range). Ids by name."""
    with dbs() as session:
        franklin = f.owner(session, "Franklin", "George", email="george@example.com")
        davis = f.owner(session, "Davis", "Betty", telephone="+16085551749")
        leo = f.pet(session, franklin, "Leo", "cat")
        tom = f.pet(session, franklin, "Tom", "cat")
        rex = f.pet(session, davis, "Rex", "dog")
        carter, leary = f.vet(session, "Carter"), f.vet(session, "Leary", "Helen")
        rabies = f.vaccine_type(session, "Rabies", ("cat", "dog"))
        fvrcp = f.vaccine_type(session, "FVRCP", ("cat",))
        dhpp = f.vaccine_type(session, "DHPP", ("dog",))
        year_ago = today - timedelta(days=365)
        f.vaccination(session, leo, rabies, year_ago, carter, next_due_on=today - timedelta(days=5))
        f.vaccination(session, tom, fvrcp, year_ago, carter, next_due_on=today + timedelta(days=15))
        f.vaccination(session, rex, rabies, year_ago, leary, next_due_on=today + timedelta(days=5))
        f.vaccination(session, rex, dhpp, year_ago, leary, next_due_on=today + timedelta(days=65))
        session.commit()
        return {"franklin": franklin.id, "davis": davis.id, "leo": leo.id, "tom": tom.id,
                "rex": rex.id, "carter": carter.id, "leary": leary.id, "rabies": rabies.id,
                "fvrcp": fvrcp.id, "dhpp": dhpp.id}


def listed(dbs, filters):
    """{owner last name: [(pet, vaccine), ...]} of the due list's first page."""
    with dbs() as session:
        owners = session.scalars(owners_due(filters)).all()
        return {row.owner.last_name: [(d.pet.name, d.vaccine_type.name) for d in row.doses]
                for row in due_page(filters, owners)}


def test_one_row_per_owner_with_every_pet_due(client, dbs, due, today):
    assert listed(dbs, DueFilter(last_day=today + timedelta(days=30))) == {
        "Davis": [("Rex", "Rabies")],
        "Franklin": [("Leo", "Rabies"), ("Tom", "FVRCP")],
    }
    page = client.get("/reminders").get_data(as_text=True)
    assert page.count('class="due-owner"') == 2
    assert "2 owners to call" in page
    franklin = page[page.index(f'id="due-owner-{due["franklin"]}"'):]
    franklin = franklin[: franklin.index("</tr>")]
    assert "Leo" in franklin and "Tom" in franklin and "Overdue" in franklin
    assert "(608) 555-1023" in franklin and "george@example.com" in franklin
    assert "Never" in franklin  # no reminder sent yet


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"to": 90}, {"Davis": ["Rex Rabies", "Rex DHPP"], "Franklin": ["Leo Rabies", "Tom FVRCP"]}),
        ({"from": 0}, {"Davis": ["Rex Rabies"], "Franklin": ["Tom FVRCP"]}),  # not overdue
        ({"to": 0}, {"Franklin": ["Leo Rabies"]}),
        ({"vaccine": "rabies"}, {"Davis": ["Rex Rabies"], "Franklin": ["Leo Rabies"]}),
        ({"vaccine": "dhpp", "to": 90}, {"Davis": ["Rex DHPP"]}),
        ({"vet": "leary", "to": 90}, {"Davis": ["Rex Rabies", "Rex DHPP"]}),
        ({"vet": "carter", "from": 0}, {"Franklin": ["Tom FVRCP"]}),
    ],
)
def test_the_list_filters_by_range_vaccine_and_the_vet_of_the_last_dose(dbs, due, today,
                                                                       args, expected):
    days = {"from": "first_day", "to": "last_day"}
    filters = {"last_day": today + timedelta(days=30)}
    for name, value in args.items():
        if name in days:
            filters[days[name]] = today + timedelta(days=value)
        else:
            filters[{"vaccine": "vaccine_type_id", "vet": "vet_id"}[name]] = due[value]
    assert {owner: [f"{pet} {vaccine}" for pet, vaccine in doses]
            for owner, doses in listed(dbs, DueFilter(**filters)).items()} == {
        owner: sorted(doses, key=lambda dose: dose.split()[0]) for owner, doses in expected.items()
    }


def test_the_page_reads_its_filters_from_the_query(client, due, today):
    page = client.get(f"/reminders?vaccine={due['dhpp']}&to={(today + timedelta(days=90))}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "1 owner to call" in body and "DHPP" in body
    assert "Tom" not in body


@pytest.mark.parametrize("query", ["from=2026-05-01&to=2026-04-01", "to=someday", "vet=abc",
                                   "vaccine=-1", "page=0", "from=99999-01-01"])
def test_bad_filters_are_a_400_or_404_never_a_500(client, due, query):
    assert client.get(f"/reminders?{query}").status_code in (400, 404)
    if not query.startswith("page"):  # the call list has every row: no pages
        assert client.get(f"/reminders/call-list.csv?{query}").status_code == 400


def test_a_later_dose_completes_the_reminder(sign_in, client, dbs, due, today):
    response = sign_in("vet").post(f"/owners/{due['franklin']}/pets/{due['leo']}/vaccinations",
                                   data={"vaccine_type_id": due["rabies"], "batch": "R2",
                                         "given_on": today.isoformat()})
    assert response.status_code == 302
    assert listed(dbs, DueFilter(last_day=today + timedelta(days=30)))["Franklin"] == [
        ("Tom", "FVRCP")]
    # The new dose makes the next reminder, a year on.
    assert listed(dbs, DueFilter(first_day=today + timedelta(days=300),
                                 last_day=today + timedelta(days=400))) == {
        "Franklin": [("Leo", "Rabies")]}


def dismiss(client, due, today, pet="leo", days=-5, reason="moved_away", back=""):
    return client.post("/reminders/dismiss", data={
        "pet_id": due[pet], "vaccine_type_id": due["rabies"],
        "due_on": (today + timedelta(days=days)).isoformat(), "reason": reason, "back": back})


def test_a_dismissed_reminder_leaves_the_list_with_its_reason_and_who(sign_in, dbs, due, today):
    reception = sign_in("reception")
    response = dismiss(reception, due, today, back="vet=1&page=2&evil=x")
    assert response.status_code == 302
    assert response.headers["Location"] == "/reminders?vet=1&page=2"
    assert listed(dbs, DueFilter(last_day=today + timedelta(days=30)))["Franklin"] == [
        ("Tom", "FVRCP")]
    with dbs() as session:
        row = session.scalar(sa.select(ReminderDismissal))
        assert (row.pet_id, row.due_on, row.reason, row.dismissed_by) == (
            due["leo"], today - timedelta(days=5), DismissalReason.MOVED_AWAY, "reception")
    # The pet's own page says so.
    page = reception.get(f"/owners/{due['franklin']}/pets/{due['leo']}/vaccinations")
    assert "Dismissed: moved away" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"days": -4}, "That reminder is no longer open"),  # not its due date
        ({"pet": "tom"}, "That reminder is no longer open"),  # Tom has no rabies dose
        ({"reason": "bored"}, "That dismissal was not understood"),
    ],
)
def test_only_an_open_reminder_can_be_dismissed(client, dbs, due, today, change, message):
    response = dismiss(client, due, today, **change)
    assert message in client.get(response.headers["Location"]).get_data(as_text=True)
    with dbs() as session:
        assert session.scalar(sa.select(sa.func.count(ReminderDismissal.id))) == 0


def test_dismissing_twice_is_refused_the_second_time(client, dbs, due, today):
    dismiss(client, due, today)
    response = dismiss(client, due, today, reason="died")
    assert "no longer open" in client.get(response.headers["Location"]).get_data(as_text=True)
    with dbs() as session:
        assert session.scalar(sa.select(sa.func.count(ReminderDismissal.id))) == 1


def test_a_dose_after_a_dismissal_makes_a_reminder_again(client, dbs, due, today):
    dismiss(client, due, today)
    with dbs() as session:
        leo = session.get(Pet, due["leo"])
        f.vaccination(session, leo, session.get(VaccineType, due["rabies"]), today,
                      next_due_on=today + timedelta(days=20))
        session.commit()
    assert listed(dbs, DueFilter(last_day=today + timedelta(days=30)))["Franklin"] == [
        ("Leo", "Rabies"), ("Tom", "FVRCP")]


def test_the_last_reminder_sent_is_shown(client, dbs, due):
    with dbs() as session:
        session.add(ReminderContact(owner_id=due["davis"], last_sent_at=utcnow()))
        session.commit()
        sent = session.get(ReminderContact, due["davis"]).last_sent_at
    page = client.get("/reminders").get_data(as_text=True)
    davis = page[page.index(f'id="due-owner-{due["davis"]}"'):]
    assert f"{sent:%d %b %Y %H:%M} UTC" in davis[: davis.index("</tr>")]


def test_deceased_pets_get_no_reminders(dbs, due, today):
    with dbs() as session:
        session.get(Pet, due["leo"]).deceased_on = today
        session.commit()
    assert listed(dbs, DueFilter(last_day=today + timedelta(days=30)))["Franklin"] == [
        ("Tom", "FVRCP")]


# --- booking from a row, and what is due at booking and completion --------------------------


def test_book_fills_the_reason_and_the_booking_page_shows_what_is_due(client, due):
    page = client.get("/reminders").get_data(as_text=True)
    link = f"/owners/{due['franklin']}/pets/{due['leo']}/appointments/new?reason=Vaccination:+Rabies"
    assert link in page
    booking = client.get(link).get_data(as_text=True)
    assert 'value="Vaccination: Rabies"' in booking
    assert 'id="vaccinations-due"' in booking and "Rabies: due" in booking and "overdue" in booking


def test_the_booking_reason_from_the_query_is_bounded(client, due):
    response = client.get(f"/owners/{due['franklin']}/pets/{due['leo']}/appointments/new"
                          f"?reason={'x' * 5000}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "x" * 255 in body and "x" * 256 not in body  # the reason column's length


# --- the call list --------------------------------------------------------------------------


def test_the_call_list_csv_has_the_same_rows(client, dbs, due, today):
    with dbs() as session:
        evil = f.owner(session, "Eve", "=HYPERLINK(1)", telephone="+16085550000")
        pet = f.pet(session, evil, "Bad", "cat")
        f.vaccination(session, pet, session.get(VaccineType, due["fvrcp"]), today,
                      next_due_on=today + timedelta(days=1))
        session.commit()
    response = client.get("/reminders/call-list.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["owner"] for row in rows] == ["Betty Davis", "'=HYPERLINK(1) Eve",
                                              "George Franklin"]
    franklin = rows[2]
    assert franklin["pets_due"] == (
        f"Leo: Rabies due {today - timedelta(days=5)} (overdue); "
        f"Tom: FVRCP due {today + timedelta(days=15)}")
    assert (franklin["overdue"], franklin["email"], franklin["telephone"]) == (
        "yes", "george@example.com", "(608) 555-1023")
    assert rows[0]["overdue"] == "no" and rows[0]["last_reminder_sent"] == ""


def test_flask_reminders_due_prints_the_table(runner, due, today):
    result = runner.invoke(args=["reminders", "due"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"Vaccinations due by {today + timedelta(days=30)}, overdue ones included"
    assert any(line.startswith("Betty Davis") and "Rex: Rabies" in line for line in lines)
    assert any(line.startswith("George Franklin") and "Leo: Rabies" in line
               and "Tom: FVRCP" in line and "never" in line for line in lines)
    assert lines[-1] == "2 owners to call."

    result = runner.invoke(args=["reminders", "due", "--vaccine", str(due["dhpp"]),
                                 "--to", str(today + timedelta(days=90))])
    assert result.exit_code == 0 and "Rex: DHPP" in result.stdout and "Franklin" not in result.stdout
    result = runner.invoke(args=["reminders", "due", "--vet", str(due["carter"]), "--from",
                                 str(today)])
    assert "Tom: FVRCP" in result.stdout and "Leo" not in result.stdout and "Davis" not in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--vet", "999999"], "no vet 999999"),
        (["--vaccine", "999999"], "no vaccine type 999999"),
        (["--from", "2026-05-02", "--to", "2026-05-01"], "the end of the range is before its start"),
        (["--to", "tomorrow"], "'tomorrow' does not match the format"),
    ],
)
def test_flask_reminders_due_refuses_bad_arguments(runner, due, args, message):
    result = runner.invoke(args=["reminders", "due", *args])
    assert result.exit_code == 2
    assert message in result.stderr


def test_nobody_to_call(runner, dbs):
    result = runner.invoke(args=["reminders", "due"])
    assert result.exit_code == 0 and result.stdout.rstrip().endswith("Nobody to call.")


# --- statements: the same for 10 due pets as for 1,000 --------------------------------------


def add_due_pets(session, number, today, vaccine_id, vet_id):
    """``number`` pets due (two per owner), in three bulk statements."""
    owners = number // 2
    session.execute(sa.insert(Owner), [
        {"first_name": "Bulk", "last_name": f"Owner{n:05d}", "address": "1 Main St.",
         "city": "Madison", "telephone": f"+1608555{n:04d}"} for n in range(owners)])
    owner_ids = session.scalars(
        sa.select(Owner.id).where(Owner.first_name == "Bulk").order_by(Owner.id)).all()
    cat = f.pet_type(session, "cat").id
    session.execute(sa.insert(Pet), [
        {"name": f"Pet{n}", "birth_date": today - timedelta(days=900), "owner_id": owner_id,
         "type_id": cat} for owner_id in owner_ids for n in range(2)])
    pet_ids = session.scalars(sa.select(Pet.id).where(Pet.owner_id.in_(owner_ids))).all()
    session.execute(sa.insert(Vaccination), [
        {"pet_id": pet_id, "vaccine_type_id": vaccine_id, "vet_id": vet_id, "batch": "B",
         "given_on": today - timedelta(days=360), "next_due_on": today + timedelta(days=n % 20),
         "created_at": utcnow()} for n, pet_id in enumerate(pet_ids)])
    session.commit()
    return len(pet_ids)


def test_the_due_list_statements_are_the_same_for_10_and_1000_due_pets(client, dbs, statements,
                                                                       today):
    with dbs() as session:
        vaccine = f.vaccine_type(session, "Bulk rabies", ("cat",))
        vet = f.vet(session, "Bulkvet")
        vaccine_id, vet_id = vaccine.id, vet.id
        session.commit()

    def count_with(total, page=1):
        if page == 1:
            with dbs() as session:
                session.execute(sa.delete(Owner).where(Owner.first_name == "Bulk"))
                assert add_due_pets(session, total, today, vaccine_id, vet_id) == total
        statements.reset()
        response = client.get(f"/reminders?page={page}&vet={vet_id}")
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert body.count('class="due-owner"') == min(total // 2, 10)
        assert body.count('class="due-dose') == min(total, 20)
        assert f"{total // 2} owners to call" in body
        return statements.count

    few = count_with(10)
    many = count_with(1000)
    assert few == many == count_with(1000, page=50) <= 7, statements.sql
