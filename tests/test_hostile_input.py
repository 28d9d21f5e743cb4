"""Hostile input: random and adversarial values for every form and query parameter.

Hypothesis draws each field as a plausible value (so that requests get past the first
validator and reach the services), an adversarial one (very long, unicode, control
characters and NUL, SQL and HTML fragments, wrong types, far dates), a missing field or a
duplicated one. Whatever arrives, the server answers 2xx, 3xx or 4xx, renders nothing
unescaped, and writes nothing that breaks the domain's rules.
"""

import json
import operator
import os
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa
from flask import current_app
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from app.appointments.services import HOLDS_SLOT
from app.extensions import db
from app.models import (
    Appointment,
    AppointmentStatus,
    Owner,
    Pet,
    PetType,
    Specialty,
    User,
    Vet,
    Visit,
)
from app.models.appointment import MAX_DURATION, MIN_DURATION
from app.validation import MAX_PET_AGE_YEARS
from tests import factories as f
from tests.staff import PASSWORD, ensure_staff

# Function-scoped fixtures are shared by every example of a test on purpose: the examples
# build on one another's writes (a clash with an earlier booking, a name taken earlier).
# HOSTILE_EXAMPLES=500 make test searches harder; the default keeps the suite quick.
hostile = settings(
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Markup that must only ever come back escaped; none of it occurs in the site's own pages.
PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "'><svg/onload=alert(3)>",
    "</textarea><b>bold</b>",
)
FRAGMENTS = (
    *PAYLOADS,
    "' OR '1'='1",
    "'; DROP TABLE owners; --",
    "%", "_", "%_%", "\\", '"', "`",
    "\x00", "a\x00b", "\x1b[31m", "\r\n", "\t", "\x7f",
    "\u202e", "\u200b", "\ufeff", "\U0010ffff",
    "İ", "ß", "e\u0301", "😀", "日本語", "𝔘𝔫𝔦",
)
WRONG_TYPES = (
    "", " ", "0", "-1", "1.5", "1e309", "NaN", "inf", "null", "true", "[]", "{}", "0x1F",
    "٣", "+1", " 7 ", str(2**31), str(2**63), "9" * 40,
)
ODD_DATES = (
    "0001-01-01", "0001-01-08", "9999-12-31", "9999-12-25", "10000-01-01", "2024-02-30",
    "2024-13-01", "1900-01-01", "31/12/2024", "2024-1-1", "20240101", "today",
)
ODD_TIMES = ("00:00", "07:59", "17:59", "23:59", "24:00", "12:60", "-01:00", "10:00:00", "10 PM")

long_text = st.builds(
    operator.mul,
    st.sampled_from(["a", "é", "İ", "😀", " ", "\x00", "<", "9"]),
    st.integers(29, 3000),
)
# Surrogates cannot travel in UTF-8 over HTTP; everything else can, NUL and controls included.
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
embedded = st.builds(
    lambda before, fragment, after: f"{before}{fragment}{after}",
    st.text(max_size=6),
    st.sampled_from(FRAGMENTS),
    st.text(max_size=6),
)
adversarial = st.one_of(
    any_text,
    long_text,
    st.sampled_from(FRAGMENTS),
    embedded,
    st.sampled_from(WRONG_TYPES),
    st.sampled_from(ODD_DATES),
    st.sampled_from(ODD_TIMES),
)
MISSING = object()


@dataclass(frozen=True)
class Known:
    """A valid value that exists only once the test's rows do (an id, tomorrow's date)."""

    name: str


def spoiled(plausible):
    """A field gone wrong: adversarial, missing, or sent more than once."""
    return st.one_of(
        adversarial,
        st.just(MISSING),
        st.lists(st.one_of(plausible, adversarial), min_size=2, max_size=3),
    )


@st.composite
def form(draw, **fields):
    """A submission: each field drawn from its plausible values, then some (often none) spoiled."""
    # Mostly plausible forms get past validation to the services and the database, where
    # the deeper faults are; one or two spoiled fields try each validator on its own.
    values = {name: draw(plausible) for name, plausible in fields.items()}
    for name in draw(st.lists(st.sampled_from(sorted(fields)), max_size=2, unique=True)):
        values[name] = draw(spoiled(fields[name]))
    return {name: value for name, value in values.items() if value is not MISSING}


def known(*names):
    """One of the world's valid values, by name."""
    return st.sampled_from([Known(name) for name in names])


hostile_ids = st.one_of(
    st.integers(0, 2**70), st.sampled_from(["-1", "1.0", "abc", "%00", "1%20", "0x1"])
)


@st.composite
def url_ids(draw, **slots):
    """Ids for a URL's ``slots`` (each named with its candidates in the world)."""
    # Mostly the first or the second owner's records, consistently; sometimes a mix of both
    # (another owner's pet); sometimes ids that do not exist or are not numbers.
    how = draw(st.sampled_from(["own", "own", "own", "mixed", "hostile"]))
    if how == "own":
        which = draw(st.integers(0, 1))
        return {slot: Known(names[min(which, len(names) - 1)]) for slot, names in slots.items()}
    if how == "mixed":
        return {slot: Known(draw(st.sampled_from(names))) for slot, names in slots.items()}
    return {slot: draw(st.one_of(st.just(Known(names[0])), hostile_ids))
            for slot, names in slots.items()}


OWNER_AND_PET = {"owner": ("owner", "other_owner"), "pet": ("pet", "other_pet")}
names = st.one_of(
    st.sampled_from(["Ann", "O'Brien", "Zoë", "Smith-Jones", "Nguyễn"]),
    st.text(st.characters(categories=["L"]), min_size=1, max_size=30),
)
some_dates = st.dates().map(lambda d: d.isoformat())
clinic_times = st.sampled_from(["08:00", "09:00", "10:15", "13:30", "16:45", "17:30"])

OWNER_FIELDS = {
    "first_name": names,
    "last_name": names,
    "address": st.sampled_from(["110 W. Liberty St.", "Flat 2, 5 Rue de l'Église"]),
    "city": st.sampled_from(["Madison", "Zürich"]),
    "telephone": st.sampled_from(["(608) 555-1023", "+44 20 7946 0958", "608.555.1023"]),
    "email": st.sampled_from(["", "ann@example.com", "zoë@exämple.org"]),
}
PET_FIELDS = {
    "name": names,
    "birth_date": st.one_of(known("a_year_ago"), some_dates),
    "type_id": known("pet_type"),
    "sex": st.sampled_from(["unknown", "female", "male"]),
}
BOOKING_FIELDS = {
    "vet_id": known("vet", "vet", "retired_vet"),
    "date": st.one_of(known("tomorrow", "next_week"), known("tomorrow", "next_week"), some_dates),
    "start_time": st.one_of(clinic_times, clinic_times, st.times().map(lambda t: f"{t:%H:%M}")),
    "duration_minutes": st.sampled_from(["15", "30", "45", "240"]),
    "reason": st.sampled_from(["check-up", "limping"]),
}


@pytest.fixture
def world(app, dbs, today):
    """Staff; two owners with a pet each; a vet who takes bookings, one who does not; a booking."""
    ensure_staff(app)
    with dbs() as session:
        owner = f.owner(session, last_name="Hostile", first_name="Ann")
        pet = f.pet(session, owner, name="Leo")
        other = f.owner(session, last_name="Other", first_name="Bob")
        other_pet = f.pet(session, other, name="Rex", kind="dog")
        vet = f.vet(session, last_name="Carter", specialties=("surgery",))
        retired = f.vet(session, last_name="Gone", active=False)
        booking = f.appointment(session, pet, vet)
        dentistry = f.specialty(session, "dentistry")
        session.commit()
        return {
            "owner": owner.id, "pet": pet.id, "other_owner": other.id, "other_pet": other_pet.id,
            "vet": vet.id, "retired_vet": retired.id, "appointment": booking.id,
            "pet_type": pet.type_id, "specialty": vet.specialties[0].id,
            "other_specialty": dentistry.id,
            "user": session.scalar(sa.select(User.id).where(User.username == "reception")),
            "tomorrow": (today + timedelta(days=1)).isoformat(),
            "next_week": (today + timedelta(days=7)).isoformat(),
            "a_year_ago": (today - timedelta(days=365)).isoformat(),
        }


def resolve(value, world):
    """``value`` with every Known replaced by the world's value."""
    if isinstance(value, Known):
        return str(world[value.name])
    if isinstance(value, list):
        return [resolve(item, world) for item in value]
    if isinstance(value, dict):
        return {name: resolve(item, world) for name, item in value.items()}
    return value


def url(template, world, **ids):
    """A path with its ids filled in: the world's, or hostile ones (quoted, but %XX kept raw)."""
    values = {name: urllib.parse.quote(str(resolve(v, world)), safe="%") for name, v in ids.items()}
    return template.format(**values)


def assert_answered_safely(response):
    """No 5xx anywhere on the way, and no payload rendered raw."""
    # For --hypothesis-show-statistics: how many examples got past validation (redirected).
    event(f"{response.status_code} {'after a redirect' if response.history else 'at once'}")
    for reply in (*response.history, response):
        request = reply.request
        # The traceback is in the captured log ("unhandled error"), under the test's report.
        assert reply.status_code < 500, f"{request.method} {request.full_path}: {reply.status}"
        body = reply.get_data(as_text=True)
        for payload in PAYLOADS:
            assert payload not in body, f"{payload!r} rendered unescaped by {request.path}"


def assert_nothing_invalid_stored(dbs, today):
    """Every stored text is clean and fits its column; every row keeps the domain's rules."""
    problems = []
    with dbs() as session:
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, sa.String)]
            for row in session.execute(sa.select(*columns)) if columns else ():
                for column, value in zip(columns, row, strict=True):
                    if value is not None:
                        problems += text_problems(column, value)
        for owner in session.scalars(sa.select(Owner)):
            for name in ("first_name", "last_name", "address", "city"):
                value = getattr(owner, name)
                if not value or value != value.strip():
                    problems.append(f"owner {owner.id} {name} {value!r}")
            if not owner.telephone.startswith("+") or not owner.telephone[1:].isdigit():
                problems.append(f"owner {owner.id} telephone {owner.telephone!r}")
        oldest = today - timedelta(days=365 * MAX_PET_AGE_YEARS)
        for pet in session.scalars(sa.select(Pet)):
            named = pet.name and pet.name == pet.name.strip()
            if not named or not oldest <= pet.birth_date <= today:
                problems.append(f"pet {pet.id} {pet.name!r} born {pet.birth_date}")
        booked_days = dict(session.execute(sa.select(Appointment.id, Appointment.starts_at)).all())
        for visit in session.scalars(sa.select(Visit)):
            # A recorded visit is not in the future; a completed appointment's is on its day.
            if visit.appointment_id is None:
                wrong_day = visit.date > today
            else:
                wrong_day = visit.date != booked_days[visit.appointment_id].date()
            if wrong_day or not visit.description.strip():
                problems.append(f"visit {visit.id} on {visit.date}")
        for name_model in (PetType, Specialty):
            for row in session.scalars(sa.select(name_model)):
                if not row.name or row.name != " ".join(row.name.split()).lower():
                    problems.append(f"{name_model.__name__} {row.name!r}")
        for vet in session.scalars(sa.select(Vet)):
            if not vet.first_name.strip() or not vet.last_name.strip():
                problems.append(f"vet {vet.id} {vet.full_name!r}")
        problems += appointment_problems(session.scalars(sa.select(Appointment)).all())
    assert problems == []


def text_problems(column, value):
    """What is wrong with one stored text: NUL or other control characters, or its length."""
    found = []
    if any(not ch.isprintable() and ch not in "\t\n\r" for ch in value):
        found.append(f"{column} holds control characters: {value[:80]!r}")
    if column.type.length and len(value) > column.type.length:
        found.append(f"{column} is {len(value)} characters long (at most {column.type.length})")
    return found


def appointment_problems(appointments):
    """Appointments outside their rules: duration, end time, clinic hours, double bookings."""
    opens, closes = current_app.config["CLINIC_OPENS"], current_app.config["CLINIC_CLOSES"]
    found = []
    for a in appointments:
        if not MIN_DURATION <= a.duration_minutes <= MAX_DURATION:
            found.append(f"appointment {a.id} lasts {a.duration_minutes} minutes")
        if a.ends_at != a.starts_at + timedelta(minutes=a.duration_minutes):
            found.append(f"appointment {a.id} ends at {a.ends_at}")
        if a.starts_at.time() < opens or a.ends_at > datetime.combine(a.starts_at.date(), closes):
            found.append(f"appointment {a.id} at {a.starts_at} is outside clinic hours")
        if not a.reason.strip():
            found.append(f"appointment {a.id} has no reason")
    holding = [a for a in appointments if a.status in HOLDS_SLOT]
    for a in holding:
        for b in holding:
            if a.id < b.id and a.starts_at < b.ends_at and b.starts_at < a.ends_at:
                if a.vet_id == b.vet_id or a.pet_id == b.pet_id:
                    found.append(f"appointments {a.id} and {b.id} overlap")
    return found


def post(client, path, data):
    """Submit a form and follow the redirect to the page that shows the outcome, as browsers do."""
    return client.post(path, data=data, follow_redirects=True)


# --- query parameters and ids in URLs --------------------------------------------------------

PAGES = (
    "/", "/login", "/owners/find", "/owners", "/owners/new", "/owners/{owner}",
    "/owners/{owner}/edit", "/owners/{owner}/delete", "/owners/{owner}/pets/new",
    "/owners/{owner}/pets/{pet}/edit", "/owners/{owner}/pets/{pet}/appointments/new",
    "/owners/{owner}/pets/{pet}/visits/new", "/vets", "/vets/new", "/vets/{vet}",
    "/vets/{vet}/edit", "/appointments", "/appointments/{appointment}",
    "/appointments/{appointment}/edit", "/appointments/{appointment}/complete", "/users",
    "/users/new", "/users/{user}/edit", "/reference", "/schedule", "/appointments/new",
    # Confirmation pages and the audit trail.
    "/owners/{owner}/pets/{pet}/delete", "/appointments/{appointment}/cancel",
    "/vets/{vet}/delete", "/audit",
)


@hostile
@given(
    page=st.sampled_from(PAGES),
    ids=url_ids(**OWNER_AND_PET, vet=("vet", "retired_vet"), appointment=("appointment",),
                user=("user",)),
    query=form(
        lastName=st.sampled_from(["", "Hos", "o", "%", "_"]),
        # The search box: every kind (names, "first last", digits, email, microchip), and worse.
        q=st.one_of(st.sampled_from(["", "Hos o", "1023", "(608) 555-", "+", "@", "a@b",
                                     "985112003456789", "İ", "ß"]), st.sampled_from(FRAGMENTS)),
        page=st.sampled_from(["1", "2", "100000"]),
        week=st.one_of(known("tomorrow"), some_dates),
        date=st.one_of(known("tomorrow"), some_dates),
        next=st.sampled_from(["/owners/find", "//evil.example", "https://evil.example", "/\\x"]),
        view=st.sampled_from(["day", "week", "month", ""]),
        vet=st.one_of(known("vet"), known("retired_vet"), st.sampled_from(["0", "x", "2147483648"])),
        pet=st.one_of(known("pet"), st.sampled_from(["", "-1", "999999"])),
        cancelled=st.sampled_from(["hide", "show", "all"]),
        start_time=st.sampled_from(["10:00", "25:00", "x"]),
        who=st.sampled_from(["", "admin", "cli:root", "x" * 500]),
        kind=st.sampled_from(["", "pet", "closure", "spaceship"]),
        record=st.sampled_from(["", "1", "-1", "9" * 30, "x"]),
        date_from=st.one_of(known("tomorrow"), some_dates),
        date_to=st.one_of(known("tomorrow"), some_dates),
        back_to=st.sampled_from(["day", "", "x"]),
    ),
)
@example(page="/appointments", ids={}, query={"date": "9999-12-31"})
@example(page="/appointments", ids={}, query={"date": "0001-01-01"})
@example(page="/schedule", ids={}, query={"date": "9999-12-31", "view": "week"})
@example(page="/schedule", ids={}, query={"date": "0001-01-01"})
@example(page="/vets/{vet}", ids={"vet": Known("vet")}, query={"week": "9999-12-31"})
@example(page="/vets/{vet}", ids={"vet": Known("vet")}, query={"week": "0001-01-01"})
@example(page="/owners/{owner}", ids={"owner": 2**64}, query={})
@example(page="/owners", ids={}, query={"lastName": PAYLOADS[0]})
@example(page="/owners/find", ids={}, query={"lastName": PAYLOADS[1]})
@example(page="/owners", ids={}, query={"q": PAYLOADS[2]})
@example(page="/owners", ids={}, query={"q": "\U0010ffff 1"})
def test_every_page_answers_any_query_and_any_id(client, dbs, world, today, page, ids, query):
    response = client.get(url(page, world, **ids), query_string=resolve(query, world),
                          follow_redirects=True)
    assert_answered_safely(response)
    assert_nothing_invalid_stored(dbs, today)


# --- forms ------------------------------------------------------------------------------------


@hostile
@given(
    data=form(
        **OWNER_FIELDS,
        **{f"pet-{name}": values for name, values in PET_FIELDS.items()},
        submit=st.just("Save owner"),
    )
)
@example(
    data={"first_name": "Zo\x00ë", "last_name": "Lindqvist", "address": "1 Main St.",
          "city": "Madison", "telephone": "608 555 0100", "email": "",
          "pet-name": "Rex\x1b[31m", "pet-birth_date": "2020-02-02", "pet-type_id": Known("pet_type")}
)
@example(
    data={"first_name": PAYLOADS[0], "last_name": PAYLOADS[1], "address": PAYLOADS[3],
          "city": PAYLOADS[2], "telephone": "608 555 0100", "email": "",
          "pet-name": PAYLOADS[2], "pet-birth_date": "2020-02-02", "pet-type_id": Known("pet_type")}
)
def test_registering_an_owner_with_a_first_pet(client, dbs, world, today, data):
    assert_answered_safely(post(client, "/owners/new", resolve(data, world)))
    assert_nothing_invalid_stored(dbs, today)


@hostile
@given(ids=url_ids(owner=("owner", "other_owner")), data=form(**OWNER_FIELDS))
@example(
    ids={"owner": Known("owner")},
    data={"first_name": "Ann", "last_name": PAYLOADS[0], "address": "1 Main St.",
          "city": "Madison", "telephone": "608 555 0101", "email": ""},
)
def test_editing_an_owner(client, dbs, world, today, ids, data):
    path = url("/owners/{owner}/edit", world, **ids)
    assert_answered_safely(post(client, path, resolve(data, world)))
    assert_nothing_invalid_stored(dbs, today)


@hostile
@given(
    path=st.sampled_from(["/owners/{owner}/pets/new", "/owners/{owner}/pets/{pet}/edit"]),
    ids=url_ids(**OWNER_AND_PET),
    data=form(**PET_FIELDS),
)
@example(
    path="/owners/{owner}/pets/new",
    ids={"owner": Known("owner")},
    data={"name": PAYLOADS[0], "birth_date": "2021-01-01", "type_id": Known("pet_type"),
          "sex": "unknown"},
)
def test_adding_and_editing_a_pet(client, dbs, world, today, path, ids, data):
    assert_answered_safely(post(client, url(path, world, **ids), resolve(data, world)))
    assert_nothing_invalid_stored(dbs, today)


@hostile
@given(
    path=st.sampled_from(
        ["/owners/{owner}/pets/{pet}/appointments/new", "/appointments/{appointment}/edit"]
    ),
    ids=url_ids(**OWNER_AND_PET, appointment=("appointment",)),
    data=form(**BOOKING_FIELDS),
)
@example(
    path="/owners/{owner}/pets/{pet}/appointments/new",
    ids={"owner": Known("owner"), "pet": Known("pet")},
    data={"vet_id": Known("vet"), "date": "9999-12-31", "start_time": "23:00",
          "duration_minutes": "240", "reason": "check-up"},
)
@example(
    path="/owners/{owner}/pets/{pet}/appointments/new",
    ids={"owner": Known("owner"), "pet": Known("pet")},
    data={"vet_id": Known("vet"), "date": Known("next_week"), "start_time": "15:00",
          "duration_minutes": "30", "reason": PAYLOADS[1]},
)
@example(  # a vet id past any database integer was a 500 (OverflowError on SQLite)
    path="/owners/{owner}/pets/{pet}/appointments/new",
    ids={"owner": Known("owner"), "pet": Known("pet")},
    data={"vet_id": "99999999999999999999", "date": Known("next_week"), "start_time": "15:00",
          "duration_minutes": "30", "reason": "check-up"},
)
def test_booking_and_rescheduling(client, dbs, world, today, path, ids, data):
    assert_answered_safely(post(client, url(path, world, **ids), resolve(data, world)))
    assert_nothing_invalid_stored(dbs, today)


@hostile
@given(
    data=form(
        description=st.sampled_from(["Healthy.", "Stitches removed; see again in a week."]),
        follow_up=st.sampled_from(["y", "y", ""]),
        follow_up_vet_id=BOOKING_FIELDS["vet_id"],
        follow_up_date=BOOKING_FIELDS["date"],
        follow_up_time=BOOKING_FIELDS["start_time"],
        follow_up_minutes=BOOKING_FIELDS["duration_minutes"],
    )
)
@example(
    data={"description": "Fine.", "follow_up": "y", "follow_up_vet_id": Known("vet"),
          "follow_up_date": "9999-12-31", "follow_up_time": "23:30", "follow_up_minutes": "30"}
)
def test_completing_an_appointment_with_a_follow_up(client, dbs, world, today, data):
    with dbs() as session:
        # A checked-in appointment of its own for each example, each on a day of its own.
        later = session.scalar(sa.select(sa.func.count(Appointment.id)))
        checked_in = f.appointment(
            session, session.get(Pet, world["pet"]), session.get(Vet, world["vet"]),
            starts_at=datetime.combine(today + timedelta(days=30 + later), time(9)),
            status=AppointmentStatus.CHECKED_IN,
        )
        session.commit()
        path = f"/appointments/{checked_in.id}/complete"
    assert_answered_safely(post(client, path, resolve(data, world)))
    assert_nothing_invalid_stored(dbs, today)


@hostile
@given(
    ids=url_ids(**OWNER_AND_PET),
    data=form(
        date=st.one_of(known("a_year_ago"), some_dates),
        description=st.sampled_from(["Walk-in: ate a sock.", "Nail trim"]),
        vet_id=st.one_of(known("vet", "retired_vet"), st.just("0")),
    ),
)
@example(
    ids={"owner": Known("owner"), "pet": Known("pet")},
    data={"date": Known("a_year_ago"), "description": PAYLOADS[3], "vet_id": "0"},
)
def test_recording_a_visit(client, dbs, world, today, ids, data):
    path = url("/owners/{owner}/pets/{pet}/visits/new", world, **ids)
    assert_answered_safely(post(client, path, resolve(data, world)))
    assert_nothing_invalid_stored(dbs, today)


@hostile
@given(
    path=st.sampled_from(["/vets/new", "/vets/{vet}/edit"]),
    ids=url_ids(vet=("vet", "retired_vet")),
    data=form(
        first_name=names,
        last_name=names,
        specialty_ids=st.lists(known("specialty", "other_specialty"), max_size=3),
        active=st.sampled_from(["y", ""]),
    ),
)
@example(
    path="/vets/new", ids={}, data={"first_name": PAYLOADS[0], "last_name": PAYLOADS[2]}
)
def test_adding_and_editing_a_vet(client, dbs, world, today, path, ids, data):
    assert_answered_safely(post(client, url(path, world, **ids), resolve(data, world)))
    assert_nothing_invalid_stored(dbs, today)


@hostile
@given(
    path=st.sampled_from(["/users/new", "/users/{user}/edit"]),
    ids=url_ids(user=("user",)),
    data=form(
        username=names,
        role=st.sampled_from(["admin", "vet", "reception"]),
        vet_id=st.one_of(known("vet"), st.just("0")),
        active=st.sampled_from(["y", ""]),
        password=st.sampled_from(["a long enough pass phrase", "a long enough pass phrase", ""]),
        confirm=st.sampled_from(["a long enough pass phrase", "a long enough pass phrase", ""]),
    ),
)
@example(
    path="/users/new",
    ids={},
    data={"username": PAYLOADS[0], "role": "vet", "vet_id": "0", "active": "y",
          "password": "a long enough pass phrase", "confirm": "a long enough pass phrase"},
)
def test_creating_and_changing_staff_accounts(client, dbs, world, today, path, ids, data):
    assert_answered_safely(post(client, url(path, world, **ids), resolve(data, world)))
    assert_nothing_invalid_stored(dbs, today)


@hostile
@given(
    kind=st.sampled_from(["pettype", "specialty"]),
    data=form(kind=st.sampled_from(["pettype", "specialty"]), name=names, submit=st.just("Add")),
)
@example(kind="pettype", data={"kind": "pettype", "name": "İ" * 80, "submit": "Add"})
@example(kind="specialty", data={"kind": "specialty", "name": PAYLOADS[0], "submit": "Add"})
def test_adding_pet_types_and_specialties(client, dbs, world, today, kind, data):
    prefixed = {f"{kind}-{name}": value for name, value in data.items()}
    assert_answered_safely(post(client, "/reference", prefixed))
    assert_nothing_invalid_stored(dbs, today)


@hostile
@given(
    data=form(
        username=st.sampled_from(["admin", "reception", "nobody"]),
        password=st.sampled_from(["wrong", PASSWORD]),
    ),
    next_page=st.one_of(st.just(MISSING), adversarial),
)
def test_signing_in(anonymous, dbs, world, today, data, next_page):
    query = {} if next_page is MISSING else {"next": next_page}
    response = anonymous.post("/login", query_string=query, data=data, follow_redirects=True)
    assert_answered_safely(response)
    assert_nothing_invalid_stored(dbs, today)


def doomed_records(dbs, today):
    """An owner with a pet and a booking with a vet of their own, for one example to change."""
    with dbs() as session:
        owner = f.owner(session, last_name="Doomed")
        pet = f.pet(session, owner, name="Tiddles")
        vet = f.vet(session, last_name="Doomed")
        booking = f.appointment(
            session, pet, vet, starts_at=datetime.combine(today + timedelta(days=2), time(11))
        )
        session.commit()
        return {"owner": owner.id, "pet": pet.id, "vet": vet.id, "appointment": booking.id}


@hostile
@given(
    path=st.sampled_from(
        [
            "/appointments/{appointment}/check-in",
            "/appointments/{appointment}/cancel",
            "/appointments/{appointment}/no-show",
            "/owners/{owner}/pets/{pet}/delete",
            "/vets/{vet}/delete",
            "/owners/{owner}/delete",
        ]
    ),
    ids=url_ids(**OWNER_AND_PET, appointment=("appointment",), vet=("vet", "retired_vet")),
    data=form(back_to=st.sampled_from(["day", ""])),
)
def test_status_changes_and_deletions(client, dbs, world, today, path, ids, data):
    # Fresh records each time, or the first deletion would leave the rest nothing to act on.
    records = {**world, **doomed_records(dbs, today)}
    assert_answered_safely(post(client, url(path, records, **ids), resolve(data, records)))
    assert_nothing_invalid_stored(dbs, today)


@hostile
@given(
    ids=url_ids(owner=("owner", "other_owner"), other=("other_owner", "owner")),
    data=form(
        kept_version=st.sampled_from(["1", "2", "x", ""]),
        removed_version=st.sampled_from(["1", "0", "9" * 12]),
        first_name=st.sampled_from(["kept", "removed", "neither"]),
        telephone=st.sampled_from(["kept", "removed"]),
        email_consent=st.sampled_from(["kept", "removed", ""]),
    ),
)
def test_merging_owners(client, dbs, world, today, ids, data):
    # Fresh owners each time: the first merge would leave the rest nothing to merge.
    records = {**world, "owner": doomed_records(dbs, today)["owner"],
               "other_owner": doomed_records(dbs, today)["owner"]}
    path = url("/owners/{owner}/merge/{other}", records, **ids)
    assert_answered_safely(post(client, path, resolve(data, records)))
    assert_nothing_invalid_stored(dbs, today)


@hostile
@given(
    ids=url_ids(**OWNER_AND_PET),
    data=form(new_owner_id=st.one_of(known("owner", "other_owner"), hostile_ids),
              version=st.sampled_from(["1", "2", "x", ""])),
)
def test_moving_a_pet_to_another_owner(client, dbs, world, today, ids, data):
    path = url("/owners/{owner}/pets/{pet}/transfer", world, **ids)
    assert_answered_safely(post(client, path, resolve(data, world)))
    assert_nothing_invalid_stored(dbs, today)


POST_PATHS = (
    "/owners/new", "/owners/{owner}/edit", "/owners/{owner}/pets/new",
    "/owners/{owner}/pets/{pet}/edit", "/owners/{owner}/pets/{pet}/appointments/new",
    "/owners/{owner}/pets/{pet}/visits/new", "/appointments/{appointment}/edit",
    "/appointments/{appointment}/complete", "/vets/new", "/users/new", "/reference", "/login",
)


FIELD_NAMES = (*OWNER_FIELDS, *BOOKING_FIELDS, "name", "birth_date", "type_id", "description")


def json_containers(inner):
    """Lists and objects of ``inner`` values, some keyed by the forms' own field names."""
    return st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(FIELD_NAMES) | any_text, inner, max_size=4
    )


# A named function, not a multi-line lambda: Hypothesis reads extend's source to check that
# it uses its argument, and could not always find a lambda's (a HypothesisDeprecationWarning).
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | any_text,
    json_containers,
    max_leaves=8,
)


@hostile
@given(
    path=st.sampled_from(POST_PATHS),
    body=st.one_of(
        json_values.map(lambda value: json.dumps(value).encode()),
        st.binary(max_size=200),
        st.sampled_from([b"%ff%fe=%00", b"name=%C0%AF&name=\xff", b"a=" + b"%" * 50, b"=&=&&"]),
    ),
    content_type=st.sampled_from(
        ["application/x-www-form-urlencoded", "application/json", "multipart/form-data",
         "multipart/form-data; boundary=x", "text/plain"]
    ),
)
def test_malformed_bodies_are_refused_without_errors(
    client, dbs, world, today, path, body, content_type
):
    path = path.format(**world)
    response = client.post(path, data=body, content_type=content_type)
    assert_answered_safely(response)
    assert_nothing_invalid_stored(dbs, today)
