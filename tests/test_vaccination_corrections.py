"""A recorded dose's next due date can be corrected by a vet; doses and weights are audited."""

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.models import AuditEntry, Vaccination
from app.reminders.due import pet_due_soon
from tests import factories as f


@pytest.fixture
def dose(dbs, today):
    with dbs() as session:
        owner = f.owner(session)
        leo = f.pet(session, owner, "Leo")
        rabies = f.vaccine_type(session, "Rabies", ("cat",), months=12)
        given = today - timedelta(days=300)
        row = f.vaccination(session, leo, rabies, given, batch="RB-7")
        session.commit()
        return {"owner": owner.id, "pet": leo.id, "dose": row.id, "given": given,
                "url": f"/owners/{owner.id}/pets/{leo.id}/vaccinations/{row.id}/due"}


def due_on(dbs, dose_id):
    with dbs() as session:
        return session.get(Vaccination, dose_id).next_due_on


def test_a_vet_moves_the_due_date_and_the_reminder_follows(sign_in, dbs, dose, today):
    vet = sign_in("vet")
    page = vet.get(f"/owners/{dose['owner']}/pets/{dose['pet']}").get_data(as_text=True)
    assert dose["url"] in page  # the "Change" link next to the dose
    sooner = today + timedelta(days=3)
    response = vet.post(dose["url"], data={"next_due_on": sooner.isoformat()})
    assert response.status_code == 302
    assert due_on(dbs, dose["dose"]) == sooner
    with dbs() as session:
        due = pet_due_soon(dose["pet"], today)
        trail = session.scalars(sa.select(AuditEntry.summary).where(
            AuditEntry.entity_type == "pet", AuditEntry.entity_id == dose["pet"])).all()
        due_dates = [item.next_due_on for item in due]
    assert due_dates == [sooner]  # the reminder is now due within days
    assert any(f"→ {sooner}" in entry and "next_due_on:" in entry for entry in trail)


@pytest.mark.parametrize(("value", "message"), [
    ("", "Enter the date it is due."),
    ("garbage", "Not a valid date value."),
    ("before", "The next dose is due after this one."),
    ("far", "The next dose is due within"),
])
def test_a_due_date_that_cannot_be_is_a_form_error(sign_in, dbs, dose, value, message):
    written = {"before": (dose["given"] - timedelta(days=1)).isoformat(),
               "far": (dose["given"] + timedelta(days=366 * 11)).isoformat()}.get(value, value)
    was = due_on(dbs, dose["dose"])
    response = sign_in("vet").post(dose["url"], data={"next_due_on": written})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert due_on(dbs, dose["dose"]) == was


def test_the_desk_cannot_and_another_pets_dose_is_not_found(sign_in, dbs, dose):
    assert sign_in("reception").post(dose["url"], data={"next_due_on": "2030-01-01"}).status_code == 403
    with dbs() as session:
        other = f.pet(session, f.owner(session, "Davis", telephone="+16085551749"), "Rex")
        session.commit()
    wrong = f"/owners/{other.owner_id}/pets/{other.id}/vaccinations/{dose['dose']}/due"
    assert sign_in("vet").get(wrong).status_code == 404


def test_recording_a_dose_and_a_weight_is_in_the_pets_trail(sign_in, dbs, dose, today):
    vet = sign_in("vet")
    base = f"/owners/{dose['owner']}/pets/{dose['pet']}"
    with dbs() as session:
        rabies = session.get(Vaccination, dose["dose"]).vaccine_type_id
    assert vet.post(f"{base}/vaccinations", data={
        "vaccine_type_id": rabies, "given_on": today.isoformat(), "batch": "RB-8",
        "vet_id": "0"}).status_code == 302
    assert vet.post(f"{base}/weights", data={"kilograms": "4.35",
                                             "recorded_on": today.isoformat()}).status_code == 302
    with dbs() as session:
        trail = session.scalars(sa.select(AuditEntry.summary).where(
            AuditEntry.entity_type == "pet", AuditEntry.entity_id == dose["pet"],
            AuditEntry.action == "create")).all()
    assert any("batch RB-8" in s for s in trail)
    assert any(f"{Decimal('4.35')} kg" in s for s in trail)
