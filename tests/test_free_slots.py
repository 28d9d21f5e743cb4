"""The next free slots: every booking rule honoured, checked against a brute-force search."""

from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.appointments.free_slots import candidate_vets, next_free_slots
from app.clinic import clinic_now
from app.extensions import db
from app.models import (
    Absence,
    Appointment,
    AppointmentStatus,
    AppointmentType,
    ClinicClosure,
    OpeningHours,
    Pet,
    RotaDay,
    Specialty,
    Vet,
)
from app.models.appointment import HOLDS_SLOT
from app.working_time.calendar import load_working_time
from tests import factories as f


def at(day, clock):
    """A wall-clock datetime from a day and "HH:MM"."""
    return datetime.combine(day, time.fromisoformat(clock))


@pytest.fixture
def clinic(dbs, today):
    with dbs() as session:
        owner = f.owner(session)
        leo = f.pet(session, owner, name="Leo")
        carter = f.vet(session, last_name="Carter")
        leary = f.vet(session, first_name="Helen", last_name="Leary", specialties=["surgery"])
        session.commit()
        return {"owner": owner.id, "leo": leo.id, "carter": carter.id, "leary": leary.id,
                "day": today + timedelta(days=7)}


def search(session, clinic, minutes=30, vet=None, start=None, specialty_id=None, count=10):
    vets = candidate_vets(vet_id=clinic[vet] if vet else None, specialty_id=specialty_id)
    return next_free_slots(vets, minutes, start or at(clinic["day"], "00:00"),
                           pet_id=clinic["leo"], count=count)


def starts(slots):
    return [(f"{slot.starts_at:%H:%M}", slot.vet.last_name) for slot in slots]


def test_the_first_slots_are_at_opening_for_each_vet_in_name_order(dbs, clinic):
    with dbs() as session:
        slots = search(session, clinic, count=4)
    assert starts(slots) == [("08:00", "Carter"), ("08:00", "Leary"),
                             ("08:15", "Carter"), ("08:15", "Leary")]


def test_an_appointment_a_rota_a_break_and_an_absence_are_not_free(dbs, clinic):
    day = clinic["day"]
    with dbs() as session:
        session.add(RotaDay(vet_id=clinic["carter"], weekday=day.weekday(), starts=time(9),
                            ends=time(12), break_starts=time(10), break_ends=time(10, 30)))
        carter = session.get(Vet, clinic["carter"])
        f.appointment(session, session.get(Pet, clinic["leo"]), carter, starts_at=at(day, "09:00"))
        session.add(Absence(vet_id=clinic["carter"], starts_at=at(day, "11:00"),
                            ends_at=at(day, "11:45"), reason="Course"))
        session.flush()
        slots = search(session, clinic, vet="carter", minutes=30, count=3)
    # 09:00 booked, 09:45 runs into the break, 10:45 into the absence, 11:45 past 12:00; the
    # rota has this weekday only, so the next is a week later.
    assert [slot.starts_at for slot in slots] == [
        at(day, "09:30"), at(day, "10:30"), at(day + timedelta(days=7), "09:00")
    ]


def test_the_pets_own_appointment_with_another_vet_is_not_free(dbs, clinic):
    day = clinic["day"]
    with dbs() as session:
        pet = session.get(Pet, clinic["leo"])
        f.appointment(session, pet, session.get(Vet, clinic["leary"]), starts_at=at(day, "08:00"),
                      minutes=60)
        slots = search(session, clinic, vet="carter", count=2)
    assert starts(slots) == [("09:00", "Carter"), ("09:15", "Carter")]


def test_a_cancelled_appointment_frees_its_slot(dbs, clinic):
    day = clinic["day"]
    with dbs() as session:
        pet = session.get(Pet, clinic["leo"])
        f.appointment(session, pet, session.get(Vet, clinic["carter"]), starts_at=at(day, "08:00"),
                      status=AppointmentStatus.CANCELLED)
        slots = search(session, clinic, vet="carter", count=1)
    assert starts(slots) == [("08:00", "Carter")]


def test_a_closure_and_a_closed_weekday_are_skipped(dbs, clinic):
    day = clinic["day"]
    with dbs() as session:
        session.add(ClinicClosure(day=day, reason="Holiday"))
        following = day + timedelta(days=1)
        for weekday in range(7):
            closed = weekday == following.weekday()
            session.add(OpeningHours(weekday=weekday, opens=None if closed else time(9),
                                     closes=None if closed else time(17)))
        session.flush()
        slots = search(session, clinic, count=1)
    assert slots[0].starts_at == at(day + timedelta(days=2), "09:00")


def test_only_vets_with_the_types_specialty(dbs, clinic):
    with dbs() as session:
        surgery = session.scalar(sa.select(Specialty).where(Specialty.name == "surgery"))
        slots = search(session, clinic, specialty_id=surgery.id, count=3)
    assert {slot.vet.last_name for slot in slots} == {"Leary"}


def test_never_in_the_past_and_never_past_the_horizon(app, dbs, clinic, monkeypatch, today):
    monkeypatch.setitem(app.config, "BOOKING_HORIZON_DAYS", 2)
    with dbs() as session:
        slots = search(session, clinic, start=at(today, "00:00"), count=1000)
        now = clinic_now()
    assert slots and all(now < slot.starts_at for slot in slots)
    assert max(slot.starts_at.date() for slot in slots) == today + timedelta(days=2)


def test_statements_do_not_grow_with_the_appointments(dbs, clinic, statements):
    def statements_for(booked_days):
        with dbs() as session:
            pet, vet = session.get(Pet, clinic["leo"]), session.get(Vet, clinic["carter"])
            for offset in range(booked_days):
                day = clinic["day"] + timedelta(days=offset)
                for hour in range(8, 18):
                    f.appointment(session, pet, vet, starts_at=at(day, f"{hour:02}:00"), minutes=60)
            vets = candidate_vets(vet_id=clinic["carter"])
            statements.reset()
            next_free_slots(vets, 30, at(clinic["day"], "00:00"), pet_id=clinic["leo"])
            session.rollback()
            return statements.count

    # Two full days and six full days both fit in the search's first block of days.
    assert statements_for(2) == statements_for(6)


# --- against a brute-force search, on generated schedules -------------------------------

shift = st.tuples(st.integers(7, 11), st.integers(13, 19), st.booleans())
schedules = st.fixed_dictionaries({
    "hours": st.one_of(st.none(), st.lists(st.one_of(st.none(), st.tuples(st.integers(6, 10), st.integers(14, 20))), min_size=7, max_size=7)),
    "closures": st.sets(st.integers(0, 9), max_size=3),
    "rotas": st.lists(st.one_of(st.none(), st.lists(st.one_of(st.none(), shift), min_size=7, max_size=7)), min_size=3, max_size=3),
    "absences": st.lists(st.tuples(st.integers(0, 2), st.integers(0, 9), st.integers(0, 23), st.integers(1, 60)), max_size=4),
    "appointments": st.lists(st.tuples(st.integers(0, 3), st.integers(0, 9), st.integers(84, 228), st.integers(15, 120), st.booleans()), max_size=40),
    "minutes": st.integers(15, 120),
    "step": st.sampled_from([10, 15, 30]),
    "start": st.tuples(st.integers(0, 3), st.integers(0, 23)),
})


def brute_force(vets, minutes, start, pet_id, horizon_day, count):
    """Every grid start from ``start`` to the horizon tried for every vet with the booking rule."""
    from flask import current_app

    step = current_app.config["SLOT_MINUTES"]
    working = load_working_time([v.id for v in vets], start.date(), horizon_day)
    held = db.session.execute(
        sa.select(Appointment.vet_id, Appointment.pet_id, Appointment.starts_at, Appointment.ends_at)
        .where(Appointment.status.in_(HOLDS_SLOT))
    ).all()
    found = []
    moment = datetime.combine(start.date(), time.min)
    while moment.date() <= horizon_day:
        ends = moment + timedelta(minutes=minutes)
        if moment >= start:
            for vet in vets:
                clash = any(s < ends and e > moment and (v == vet.id or p == pet_id)
                            for v, p, s, e in held)
                if not clash and working.unavailable(vet, moment, ends) is None:
                    found.append((moment, vet.id))
        if len(found) >= count:
            break
        moment += timedelta(minutes=step)
    return found[:count]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(schedule=schedules)
def test_the_search_finds_what_trying_every_slot_finds(app, dbs, today, monkeypatch, schedule):
    monkeypatch.setitem(app.config, "BOOKING_HORIZON_DAYS", 12)
    monkeypatch.setitem(app.config, "SLOT_MINUTES", schedule["step"])
    base = today + timedelta(days=2)
    with dbs() as session:
        owner = f.owner(session)
        leo, rex = f.pet(session, owner, name="Leo"), f.pet(session, owner, name="Rex")
        vets = [f.vet(session, last_name=name) for name in ("Avery", "Brook", "Cole")]
        outsider = f.vet(session, last_name="Zed", active=False)
        if schedule["hours"] is not None:
            for weekday, hours in enumerate(schedule["hours"]):
                opens, closes = (time(hours[0]), time(hours[1])) if hours else (None, None)
                session.add(OpeningHours(weekday=weekday, opens=opens, closes=closes))
        for offset in schedule["closures"]:
            session.add(ClinicClosure(day=base + timedelta(days=offset), reason="Closed"))
        for vet, rota in zip(vets, schedule["rotas"], strict=True):
            for weekday, day_shift in enumerate(rota or ()):
                if day_shift:
                    starts, ends, has_break = day_shift
                    session.add(RotaDay(vet_id=vet.id, weekday=weekday, starts=time(starts), ends=time(ends),
                                        break_starts=time(12) if has_break else None,
                                        break_ends=time(12, 45) if has_break else None))
        for index, offset, hour, hours in schedule["absences"]:
            begins = datetime.combine(base + timedelta(days=offset), time(hour))
            session.add(Absence(vet_id=vets[index].id, starts_at=begins,
                                ends_at=begins + timedelta(hours=hours), reason="Away"))
        taken = {}
        for index, offset, five_minutes, minutes, for_leo in schedule["appointments"]:
            vet = (vets + [outsider])[index]
            starts_at = datetime.combine(base + timedelta(days=offset), time.min) + timedelta(minutes=5 * five_minutes)
            ends_at = starts_at + timedelta(minutes=minutes)
            pet = leo if for_leo or vet is outsider else rex
            if any(s < ends_at and e > starts_at for s, e in taken.get(vet.id, [])):
                continue  # one vet's appointments never overlap (the exclusion constraint)
            taken.setdefault(vet.id, []).append((starts_at, ends_at))
            row = Appointment(pet=pet, vet=vet, reason="x")
            row.schedule(starts_at, minutes)
            session.add(row)
        session.flush()
        day_offset, hour = schedule["start"]
        start = datetime.combine(base + timedelta(days=day_offset), time(hour))
        horizon_day = today + timedelta(days=12)
        fast = next_free_slots(vets, schedule["minutes"], start, pet_id=leo.id)
        slow = brute_force(vets, schedule["minutes"], start, leo.id, horizon_day, 10)
        session.rollback()
    assert [(slot.starts_at, slot.vet.id) for slot in fast] == slow


# --- the page ---------------------------------------------------------------------------

def free_url(clinic, **args):
    query = "&".join(f"{key}={value}" for key, value in args.items())
    return f"/owners/{clinic['owner']}/pets/{clinic['leo']}/appointments/free?{query}"


def book_buttons(page):
    """The hidden fields of each "Book" form on the page, in order."""
    import re

    forms = re.findall(r'<form method="post"[^>]*>(.*?)</form>', page, re.S)
    fields = [dict(re.findall(r'name="(\w+)" value="([^"]*)"', form)) for form in forms]
    return [hidden for hidden in fields if "start_time" in hidden]


def test_the_page_lists_ten_slots_and_one_click_books_the_first(client, dbs, clinic):
    day = clinic["day"].isoformat()
    page = client.get(free_url(clinic, reason="Check-up", starting=day)).get_data(as_text=True)
    buttons = book_buttons(page)
    assert len(buttons) == 10
    first = buttons[0]
    assert (first["date"], first["start_time"], first["duration_minutes"], first["reason"]) == (
        day, "08:00", "30", "Check-up")
    assert "Book " in page and "with James Carter" in page
    response = client.post(f"/owners/{clinic['owner']}/pets/{clinic['leo']}/appointments/new",
                           data=first)
    assert response.status_code == 302
    with dbs() as session:
        booked = session.scalars(sa.select(Appointment)).all()
    assert [(a.vet_id, a.starts_at, a.reason) for a in booked] == [
        (clinic["carter"], at(clinic["day"], "08:00"), "Check-up")]
    again = book_buttons(client.get(free_url(clinic, reason="Check-up", starting=day))
                         .get_data(as_text=True))
    # Carter is now busy until 08:30 and Leo too, so nobody can see Leo before then.
    assert (again[0]["start_time"], again[0]["vet_id"]) == ("08:30", str(clinic["carter"]))


def test_a_type_gives_its_length_and_its_specialty(client, dbs, clinic):
    with dbs() as session:
        surgery = session.scalar(sa.select(Specialty).where(Specialty.name == "surgery"))
        kind = AppointmentType(name="surgery", duration_minutes=120, specialty_id=surgery.id)
        session.add(kind)
        session.commit()
        type_id = kind.id
    page = client.get(free_url(clinic, reason="Spay", type_id=type_id,
                               starting=clinic["day"].isoformat())).get_data(as_text=True)
    buttons = book_buttons(page)
    assert {b["vet_id"] for b in buttons} == {str(clinic["leary"])}
    assert {b["duration_minutes"] for b in buttons} == {"120"}
    assert {b["type_id"] for b in buttons} == {str(type_id)}


@pytest.mark.parametrize("args", [
    {"reason": "x", "type_id": "abc"},
    {"reason": "x", "type_id": "987654"},
    {"reason": "x", "vet_id": "9" * 400},
    {"reason": "x", "type_id": "9" * 400},
    {"reason": "x", "starting": "tomorrow"},
    {"reason": "x", "duration_minutes": "5"},
    {"reason": ""},
])
def test_bad_search_input_is_a_form_error_not_a_500(client, clinic, args):
    response = client.get(free_url(clinic, **args))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "is-invalid" in page or "invalid-feedback" in page
    assert book_buttons(page) == []


def test_the_command_prints_the_next_free_slots(runner, clinic):
    day = clinic["day"].isoformat()
    result = runner.invoke(args=["appointments", "free", "--from", day, "--vet", str(clinic["carter"]),
                                 "--count", "2", "--minutes", "60", "--pet", str(clinic["leo"])])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "08:00-09:00" in lines[2] and "James Carter" in lines[2]
    assert "08:15-09:15" in lines[3] and len(lines) == 4


@pytest.mark.parametrize(("args", "message"), [
    (["--type", "nothing"], "There is no appointment type 'nothing'."),
    (["--vet", "999999"], "There is no vet with id 999999"),
    (["--pet", "999999"], "There is no pet with id 999999."),
    (["--minutes", "5"], "Invalid value for '--minutes'"),
    (["--from", "soon"], "Invalid value for '--from'"),
])
def test_the_command_refuses_what_is_not_there(runner, clinic, args, message):
    result = runner.invoke(args=["appointments", "free", *args])
    assert result.exit_code != 0 and message in result.output
