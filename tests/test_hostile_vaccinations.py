"""Hostile input for vaccinations and reminders: the pet's vaccination form, the vaccination
at completion, the due list's filters, dismissals and vaccine types (see test_hostile_input)."""

from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from app.models import Appointment, AppointmentStatus, Pet, Vaccination, VaccineType, Vet
from tests import factories as f
from tests.test_hostile_input import (  # noqa: F401 (world is a fixture)
    OWNER_AND_PET,
    assert_answered_safely,
    assert_nothing_invalid_stored,
    form,
    hostile,
    known,
    names,
    post,
    resolve,
    some_dates,
    url,
    url_ids,
    world,
)


@pytest.fixture
def shots(world, dbs, today):
    """The hostile world with vaccine types (rabies for cats and dogs, DHPP for dogs) and a dose."""
    with dbs() as session:
        rabies = f.vaccine_type(session, "Rabies", ("cat", "dog"))
        dhpp = f.vaccine_type(session, "DHPP", ("dog",))
        dose = f.vaccination(session, session.get(Pet, world["pet"]), rabies,
                             today - timedelta(days=360))
        session.commit()
        return world | {"rabies": rabies.id, "dhpp": dhpp.id, "due_on": dose.next_due_on.isoformat(),
                        "today": today.isoformat(), "dog": f.pet_type(session, "dog").id}


def assert_vaccinations_keep_their_rules(dbs, today, species=True):
    """Every stored dose: given by today and after birth, due after, batch set, and (unless a
    vaccine type was changed since) of a vaccine for its species."""
    problems = []
    with dbs() as session:
        rows = session.execute(
            sa.select(Vaccination, Pet).join(Vaccination.pet)
        ).all()
        applies = set(session.execute(sa.text(
            "SELECT vaccine_type_id, pet_type_id FROM vaccine_type_species")).all())
        for dose, pet in rows:
            if not pet.birth_date <= dose.given_on <= today:
                problems.append(f"dose {dose.id} given {dose.given_on}")
            if dose.next_due_on <= dose.given_on or not dose.batch or dose.batch != dose.batch.strip():
                problems.append(f"dose {dose.id} due {dose.next_due_on} batch {dose.batch!r}")
            if species and (dose.vaccine_type_id, pet.type_id) not in applies:
                problems.append(f"dose {dose.id} of a vaccine not for its species")
        for vaccine in session.scalars(sa.select(VaccineType)):
            if not vaccine.name or vaccine.name != " ".join(vaccine.name.split()):
                problems.append(f"vaccine type {vaccine.name!r}")
    assert problems == []


DOSE_FIELDS = {
    "vaccine_type_id": known("rabies", "rabies", "dhpp"),
    "given_on": st.one_of(known("today", "a_year_ago"), some_dates),
    "batch": st.sampled_from(["RB-1", "  lot 7 ", "A" * 40]),
    "vet_id": st.one_of(known("vet", "retired_vet"), st.just("0")),
    "next_due_on": st.one_of(st.just(""), known("tomorrow", "next_week"), some_dates),
}


@pytest.fixture
def vet(sign_in, connection):
    """A client signed in as a vet (once per test: signing in costs an Argon2 check)."""
    return sign_in("vet")


@hostile
@given(ids=url_ids(**OWNER_AND_PET), data=form(**DOSE_FIELDS))
def test_recording_a_vaccination(vet, dbs, shots, today, ids, data):
    path = url("/owners/{owner}/pets/{pet}/vaccinations", shots, **ids)
    assert_answered_safely(post(vet, path, resolve(data, shots)))
    assert_vaccinations_keep_their_rules(dbs, today)
    assert_nothing_invalid_stored(dbs, today)


@hostile
@given(data=form(description=st.just("Shots."),
                 vaccine_type_id=st.one_of(known("rabies", "dhpp"), st.just("0")),
                 batch=DOSE_FIELDS["batch"], next_due_on=DOSE_FIELDS["next_due_on"]))
def test_a_vaccination_at_completion(client, dbs, shots, today, data):
    starts_at = datetime.combine(today, time(8))
    with dbs() as session:
        # One checked-in appointment of today per example, in clinic hours: the last one goes.
        session.execute(sa.delete(Appointment).where(Appointment.starts_at == starts_at))
        checked_in = f.appointment(
            session, session.get(Pet, shots["pet"]), session.get(Vet, shots["vet"]),
            starts_at=starts_at, status=AppointmentStatus.CHECKED_IN,
        )
        session.commit()
        path = f"/appointments/{checked_in.id}/complete"
    assert_answered_safely(post(client, path, resolve(data, shots)))
    assert_vaccinations_keep_their_rules(dbs, today)
    assert_nothing_invalid_stored(dbs, today)


@hostile
@given(
    path=st.sampled_from(["/reminders", "/reminders/call-list.csv", "/api/reminders/due"]),
    query=form(**{"from": st.one_of(st.just(""), some_dates), "to": some_dates,
                  "vaccine": known("rabies", "dhpp"), "vet": known("vet"),
                  "vaccineTypeId": known("rabies"), "vetId": known("vet"),
                  "page": st.sampled_from(["1", "2", "0", "100000"]),
                  "size": st.sampled_from(["1", "10", "100"])}),
)
def test_the_due_list_answers_any_filter(client, dbs, shots, today, path, query):
    response = client.get(path, query_string=resolve(query, shots), follow_redirects=True)
    if path.startswith("/api"):
        assert response.status_code in (200, 400, 401)  # the session cookie is not the API's
    else:
        assert_answered_safely(response)


@hostile
@given(data=form(pet_id=known("pet", "other_pet"), vaccine_type_id=known("rabies", "dhpp"),
                 due_on=st.one_of(known("due_on"), some_dates),
                 reason=st.sampled_from(["moved_away", "died", "other"]),
                 back=st.sampled_from(["", "vet=1&page=2", "//evil.example", "next=https://x"])))
def test_dismissing_a_reminder(client, dbs, shots, today, data):
    response = post(client, "/reminders/dismiss", resolve(data, shots))
    assert_answered_safely(response)
    assert all(reply.headers.get("Location", "/").startswith("/reminders")
               for reply in response.history)
    assert_nothing_invalid_stored(dbs, today)


@hostile
@given(
    path=st.sampled_from(["/reference/vaccines/new", "/reference/vaccines/{type}/edit"]),
    data=form(name=names, species=st.lists(known("pet_type", "dog"), max_size=2),
              interval_months=st.sampled_from(["1", "12", "36", "120"])),
)
def test_adding_and_editing_vaccine_types(client, dbs, shots, today, path, data):
    target = path.format(type=shots["rabies"])
    assert_answered_safely(post(client, target, resolve(data, shots)))
    # A dose recorded before stays on record whatever species its vaccine is for now.
    assert_vaccinations_keep_their_rules(dbs, today, species=False)
    assert_nothing_invalid_stored(dbs, today)
