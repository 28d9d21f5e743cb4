"""Every working-time rule on the API's booking paths: a booking, a reschedule and a follow-up
at completion, refused as a 400 problem (a follow-up: followUpProblem) in the rule's words."""

from datetime import datetime, time

import pytest

from app.models import AppointmentStatus
from tests import factories
from tests.api.conftest import assert_problem
from tests.working_time_cases import CASES, moments, set_up, wednesday_ahead


@pytest.fixture
def clinic(dbs, today):
    """A pet and James Carter; a scheduled appointment to move; two checked-in ones to complete."""
    with dbs() as session:
        owner = factories.owner(session)
        pet = factories.pet(session, owner)
        vet = factories.vet(session)
        moving = factories.appointment(session, pet, vet, starts_at=datetime.combine(today, time(23)))
        checked_in = [
            factories.appointment(session, factories.pet(session, owner, name=name), vet,
                                  starts_at=datetime.combine(today, time(minute=minute)),
                                  status=AppointmentStatus.CHECKED_IN).id
            for name, minute in (("Max", 0), ("Rex", 30))
        ]
        session.commit()
        return {"pet": pet.id, "vet": vet.id, "moving": moving.id, "checked_in": checked_in,
                "day": wednesday_ahead(today)}


def fields(clinic, at):
    """An appointment's JSON for Carter at ``at`` (clinic time, no offset)."""
    return {"petId": clinic["pet"], "vetId": clinic["vet"], "startsAt": at.isoformat(),
            "durationMinutes": 30, "reason": "Check-up"}


def started(response):
    """The clinic time an answered appointment starts at."""
    return datetime.fromisoformat(response.get_json()["startsAt"]).replace(tzinfo=None)


@pytest.mark.parametrize(("setup", "refused", "words", "allowed"), CASES)
def test_an_api_booking_is_refused_by_each_rule_in_its_words(
    api, dbs, clinic, today, setup, refused, words, allowed
):
    set_up(dbs, setup, clinic["vet"], clinic["day"])
    no, yes = moments(setup, refused, allowed, clinic["day"], today)

    assert_problem(api("reception").post("/appointments", json=fields(clinic, no)), 400,
                   words.format(day=clinic["day"]))

    booked = api("reception").post("/appointments", json=fields(clinic, yes))
    assert booked.status_code == 201 and started(booked) == yes


@pytest.mark.parametrize(("setup", "refused", "words", "allowed"), CASES)
def test_an_api_reschedule_is_refused_by_each_rule_in_its_words(
    api, dbs, clinic, today, setup, refused, words, allowed
):
    set_up(dbs, setup, clinic["vet"], clinic["day"])
    no, yes = moments(setup, refused, allowed, clinic["day"], today)
    url = f"/appointments/{clinic['moving']}"

    assert_problem(api("reception").put(url, json=fields(clinic, no)), 400,
                   words.format(day=clinic["day"]))
    assert started(api().get(url)) == datetime.combine(today, time(23))

    moved = api("reception").put(url, json=fields(clinic, yes))
    assert moved.status_code == 200 and started(moved) == yes


@pytest.mark.parametrize(("setup", "refused", "words", "allowed"), CASES)
def test_an_api_follow_up_is_refused_by_each_rule_in_its_words_and_the_visit_kept(
    api, dbs, clinic, today, setup, refused, words, allowed
):
    set_up(dbs, setup, clinic["vet"], clinic["day"])
    no, yes = moments(setup, refused, allowed, clinic["day"], today)
    first, second = clinic["checked_in"]

    def complete(appointment_id, at):
        return api("vet").post(f"/appointments/{appointment_id}/complete", json={
            "description": "All well", "followUp": {"vetId": clinic["vet"], "startsAt": at.isoformat()},
        })

    refused_body = complete(first, no).get_json()
    assert refused_body["followUp"] is None
    assert words.format(day=clinic["day"]) in refused_body["followUpProblem"]
    assert refused_body["visit"]["description"] == "All well"

    booked = complete(second, yes).get_json()
    assert booked["followUpProblem"] is None
    assert datetime.fromisoformat(booked["followUp"]["startsAt"]).replace(tzinfo=None) == yes
