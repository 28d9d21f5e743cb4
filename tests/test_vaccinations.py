"""Vaccine types and vaccinations: the rules, on the pet's page, at completion, and the record."""

from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app.models import (
    Appointment,
    AppointmentStatus,
    DismissalReason,
    Pet,
    ReminderDismissal,
    Vaccination,
    VaccineType,
    Visit,
)
from app.vaccinations.due_dates import add_months
from app.vaccinations.section import vaccination_section
from tests import factories as f


@pytest.fixture
def clinic(dbs):
    """An owner with a cat (Leo) and a dog (Rex), a vet, and three vaccine types."""
    with dbs() as session:
        owner = f.owner(session)
        leo = f.pet(session, owner, "Leo", "cat")
        rex = f.pet(session, owner, "Rex", "dog", birth_date=date(2019, 5, 1))
        vet = f.vet(session)
        rabies = f.vaccine_type(session, "Rabies", ("cat", "dog"), 12)
        dhpp = f.vaccine_type(session, "DHPP", ("dog",), 12)
        fvrcp = f.vaccine_type(session, "FVRCP", ("cat",), 36)
        session.commit()
        return {"owner": owner.id, "leo": leo.id, "rex": rex.id, "vet": vet.id,
                "rabies": rabies.id, "dhpp": dhpp.id, "fvrcp": fvrcp.id}


def vaccinations_page(clinic, pet="leo"):
    return f"/owners/{clinic['owner']}/pets/{clinic[pet]}/vaccinations"


def doses(dbs):
    """(pet_id, vaccine_type_id, given_on, batch, next_due_on, visit_id) of every vaccination."""
    with dbs() as session:
        return session.execute(
            sa.select(Vaccination.pet_id, Vaccination.vaccine_type_id, Vaccination.given_on,
                      Vaccination.batch, Vaccination.next_due_on, Vaccination.visit_id)
            .order_by(Vaccination.id)
        ).all()


def test_a_vet_records_a_dose_and_the_next_is_due_the_interval_later(sign_in, dbs, clinic, today):
    vet = sign_in("vet")
    given = today - timedelta(days=40)
    response = vet.post(vaccinations_page(clinic), data={
        "vaccine_type_id": clinic["fvrcp"], "given_on": given.isoformat(), "batch": " FV-1 "})

    assert response.status_code == 302, response.get_data(as_text=True)
    assert doses(dbs) == [(clinic["leo"], clinic["fvrcp"], given, "FV-1", add_months(given, 36),
                           None)]
    page = vet.get(vaccinations_page(clinic)).get_data(as_text=True)
    assert "FV-1" in page and f"{add_months(given, 36):%d %b %Y}" in page


def test_the_next_due_date_can_be_set_by_hand(sign_in, dbs, clinic, today):
    due = today + timedelta(days=100)
    response = sign_in("vet").post(vaccinations_page(clinic), data={
        "vaccine_type_id": clinic["rabies"], "given_on": today.isoformat(), "batch": "R1",
        "next_due_on": due.isoformat(), "vet_id": clinic["vet"]})

    assert response.status_code == 302
    assert doses(dbs)[0][4] == due


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"vaccine_type_id": "dhpp"}, "DHPP is for dog, not for cat."),
        ({"batch": ""}, "This field is required."),
        ({"batch": "x" * 41}, "Field cannot be longer than 40 characters."),
        ({"given_on": "tomorrow"}, "A vaccination cannot be in the future."),
        ({"given_on": "2019-01-01"}, "Leo was born on 07 Sep 2020, after that date."),
        ({"next_due_on": "given"}, "The next dose is due after this one."),
        ({"next_due_on": "2099-01-01"}, "The next dose is due within 10 years."),
        ({"vaccine_type_id": "999999"}, "That vaccine type does not exist."),
        ({"vet_id": "999999"}, "That vet does not exist."),
        ({"vaccine_type_id": "x"}, "Invalid Choice: could not coerce."),
    ],
)
def test_a_dose_that_breaks_a_rule_is_refused_with_the_reason(sign_in, dbs, clinic, today,
                                                              change, message):
    data = {"vaccine_type_id": clinic["rabies"], "given_on": today.isoformat(), "batch": "R1"}
    data |= change
    for field, value in change.items():  # names of fixtures and days stand for their values
        data[field] = {"tomorrow": (today + timedelta(days=1)).isoformat(),
                       "given": today.isoformat()}.get(value, clinic.get(value, value))

    response = sign_in("vet").post(vaccinations_page(clinic), data=data)

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert doses(dbs) == []


def test_reception_sees_the_vaccinations_but_cannot_record_one(sign_in, dbs, clinic, today):
    reception = sign_in("reception")
    page = reception.get(vaccinations_page(clinic))
    assert page.status_code == 200
    assert "Record a vaccination" not in page.get_data(as_text=True)
    response = reception.post(vaccinations_page(clinic), data={
        "vaccine_type_id": clinic["rabies"], "given_on": today.isoformat(), "batch": "R1"})
    assert response.status_code == 403
    assert doses(dbs) == []


def test_only_the_pets_species_vaccines_are_offered(sign_in, clinic):
    page = sign_in("vet").get(vaccinations_page(clinic)).get_data(as_text=True)
    assert ">FVRCP<" in page and ">Rabies<" in page and ">DHPP<" not in page


def test_another_owners_pet_is_not_found(client, dbs, clinic):
    with dbs() as session:
        other = f.owner(session, "Davis", "Betty").id
        session.commit()
    assert client.get(f"/owners/{other}/pets/{clinic['leo']}/vaccinations").status_code == 404
    assert client.get(f"/owners/{other}/pets/{clinic['leo']}/record").status_code == 404


# --- at completion --------------------------------------------------------------------------


@pytest.fixture
def checked_in(dbs, clinic, today):
    """Rex's checked-in appointment of today; its id."""
    with dbs() as session:
        rex, vet = session.get(Pet, clinic["rex"]), session.get(f.Vet, clinic["vet"])
        row = f.appointment(session, rex, vet, starts_at=datetime.combine(today, time.min),
                            status=AppointmentStatus.CHECKED_IN, reason="annual shots")
        session.commit()
        return row.id


def test_a_vaccination_given_at_completion_is_saved_with_the_visit(sign_in, dbs, clinic,
                                                                   checked_in, today):
    vet = sign_in("vet")
    page = vet.get(f"/appointments/{checked_in}/complete").get_data(as_text=True)
    assert ">DHPP<" in page and ">FVRCP<" not in page  # Rex is a dog
    assert 'id="vaccinations-due"' in page

    response = vet.post(f"/appointments/{checked_in}/complete", data={
        "description": "Annual check, healthy.", "vaccine_type_id": clinic["dhpp"],
        "batch": "DH-77"})

    assert response.status_code == 302, response.get_data(as_text=True)
    with dbs() as session:
        visit = session.scalar(sa.select(Visit).where(Visit.appointment_id == checked_in))
        dose = session.scalar(sa.select(Vaccination))
        assert (dose.pet_id, dose.visit_id, dose.vet_id, dose.given_on, dose.batch) == (
            clinic["rex"], visit.id, clinic["vet"], today, "DH-77")
        assert dose.next_due_on == add_months(today, 12)


@pytest.mark.parametrize(
    ("vaccine", "batch", "message"),
    [
        ("fvrcp", "FV-1", "FVRCP is for cat, not for dog."),
        ("dhpp", "", "Enter the batch (lot) number from the vial."),
    ],
)
def test_a_bad_vaccination_at_completion_is_a_form_error_and_nothing_is_saved(
    sign_in, dbs, clinic, checked_in, vaccine, batch, message
):
    response = sign_in("vet").post(f"/appointments/{checked_in}/complete", data={
        "description": "Annual check.", "vaccine_type_id": clinic[vaccine], "batch": batch})

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with dbs() as session:
        assert session.get(Appointment, checked_in).status is AppointmentStatus.CHECKED_IN
        assert session.scalar(sa.select(sa.func.count(Visit.id))) == 0
        assert session.scalar(sa.select(sa.func.count(Vaccination.id))) == 0


def test_completing_without_a_vaccine_records_none(sign_in, dbs, checked_in):
    response = sign_in("vet").post(f"/appointments/{checked_in}/complete",
                                   data={"description": "Checked.", "batch": "ignored"})
    assert response.status_code == 302
    assert doses(dbs) == []


# --- cascades and restrictions --------------------------------------------------------------


def dose_and_dismissal(dbs, clinic, today):
    """Leo's rabies dose and a dismissal of its reminder."""
    with dbs() as session:
        leo = session.get(Pet, clinic["leo"])
        dose = f.vaccination(session, leo, session.get(VaccineType, clinic["rabies"]),
                             today - timedelta(days=400))
        session.add(ReminderDismissal(pet_id=leo.id, vaccine_type_id=clinic["rabies"],
                                      due_on=dose.next_due_on, reason=DismissalReason.OTHER,
                                      dismissed_by="test"))
        session.commit()


def counts(dbs):
    with dbs() as session:
        return (session.scalar(sa.select(sa.func.count(Vaccination.id))),
                session.scalar(sa.select(sa.func.count(ReminderDismissal.id))))


def test_deleting_a_pet_takes_its_vaccinations_and_dismissals(client, dbs, clinic, today):
    dose_and_dismissal(dbs, clinic, today)
    assert counts(dbs) == (1, 1)
    response = client.post(f"/owners/{clinic['owner']}/pets/{clinic['leo']}/delete")
    assert response.status_code == 302
    assert counts(dbs) == (0, 0)


def test_a_pet_deleted_in_plain_sql_leaves_no_orphans(dbs, clinic, today):
    dose_and_dismissal(dbs, clinic, today)
    with dbs() as session:
        session.execute(sa.delete(Pet).where(Pet.id == clinic["leo"]))
        session.commit()
    assert counts(dbs) == (0, 0)


def test_a_vaccine_type_in_use_is_not_removed_and_the_page_says_why(client, dbs, clinic, today):
    dose_and_dismissal(dbs, clinic, today)
    response = client.post(f"/reference/vaccines/{clinic['rabies']}/delete", follow_redirects=True)
    assert "&#39;Rabies&#39; has vaccinations on record, so it cannot be removed." in (
        response.get_data(as_text=True))
    response = client.post(f"/reference/vaccines/{clinic['dhpp']}/delete", follow_redirects=True)
    assert "Vaccine type &#39;DHPP&#39; removed." in response.get_data(as_text=True)
    with dbs() as session:
        assert sorted(session.scalars(sa.select(VaccineType.name))) == ["FVRCP", "Rabies"]


def test_a_pet_type_removed_takes_its_place_on_vaccine_types(dbs, clinic):
    with dbs() as session:
        session.execute(sa.delete(Pet))
        session.execute(sa.text("DELETE FROM pet_types WHERE name = 'dog'"))
        session.commit()
    with dbs() as session:
        rabies = session.get(VaccineType, clinic["rabies"], options=[sa.orm.selectinload(
            VaccineType.species)])
        assert [kind.name for kind in rabies.species] == ["cat"]


# --- the vaccine types' pages ---------------------------------------------------------------


def test_an_admin_adds_and_edits_a_vaccine_type(client, dbs, clinic):
    with dbs() as session:
        cat, dog = f.pet_type(session, "cat").id, f.pet_type(session, "dog").id
    response = client.post("/reference/vaccines/new", data={
        "name": " FeLV ", "species": [cat], "interval_months": 12})
    assert response.status_code == 302
    with dbs() as session:
        felv = session.scalar(sa.select(VaccineType).where(VaccineType.name == "FeLV"))
        felv_id = felv.id
    assert ">FeLV<" in client.get("/reference/vaccines").get_data(as_text=True)

    response = client.post(f"/reference/vaccines/{felv_id}/edit", data={
        "name": "FeLV", "species": [cat, dog], "interval_months": 24})
    assert response.status_code == 302
    with dbs() as session:
        felv = session.get(VaccineType, felv_id,
                           options=[sa.orm.selectinload(VaccineType.species)])
        assert (felv.interval_months, sorted(k.name for k in felv.species)) == (24, ["cat", "dog"])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "rabies"}, "A vaccine type named &#39;rabies&#39; exists already."),
        ({"interval_months": 0}, "Between 1 and 120 months."),
        ({"interval_months": 121}, "Between 1 and 120 months."),
        ({"species": []}, "Choose the species it applies to."),
        ({"species": [999999]}, "999999&#39; is not a valid choice"),
        ({"name": ""}, "This field is required."),
    ],
)
def test_a_vaccine_type_that_breaks_a_rule_is_refused(client, dbs, clinic, data, message):
    with dbs() as session:
        cat = f.pet_type(session, "cat").id
    response = client.post("/reference/vaccines/new",
                           data={"name": "New one", "species": [cat], "interval_months": 12} | data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with dbs() as session:
        assert session.scalar(sa.select(sa.func.count(VaccineType.id))) == 3


def test_only_admins_manage_vaccine_types(sign_in, clinic):
    vet = sign_in("vet")
    assert vet.get("/reference/vaccines").status_code == 403
    assert vet.post(f"/reference/vaccines/{clinic['dhpp']}/delete").status_code == 403


# --- the pet's section and the printed record -----------------------------------------------


def test_the_section_shows_the_history_and_the_latest_dose_of_each_type(app, dbs, clinic, today):
    with dbs() as session:
        leo = session.get(Pet, clinic["leo"])
        rabies, fvrcp = (session.get(VaccineType, clinic[name]) for name in ("rabies", "fvrcp"))
        f.vaccination(session, leo, rabies, today - timedelta(days=800), batch="R-old")
        f.vaccination(session, leo, rabies, today - timedelta(days=370), batch="R-new")
        f.vaccination(session, leo, fvrcp, today - timedelta(days=30), batch="FV")
        session.commit()
    with dbs() as session:
        leo = session.get(Pet, clinic["leo"])
        section = vaccination_section(leo, today)
        assert [dose.batch for dose in section.history] == ["FV", "R-new", "R-old"]
        assert [(e.latest.batch, e.status) for e in section.next_doses] == [
            ("R-new", "overdue"), ("FV", "due")]


def test_the_section_takes_two_statements_however_long_the_history(dbs, clinic, today,
                                                                    statements):
    def count_for(number):
        with dbs() as session:
            leo = session.get(Pet, clinic["leo"])
            rabies = session.get(VaccineType, clinic["rabies"])
            for n in range(number):
                f.vaccination(session, leo, rabies, today - timedelta(days=10 * n + 1))
            session.commit()
        with dbs() as session:
            leo = session.get(Pet, clinic["leo"])
            statements.reset()
            vaccination_section(leo, today)
            return statements.count

    assert count_for(2) == count_for(20) == 2


def test_the_certificate_and_record_print_the_clinic_owner_pet_and_batches(app, client, dbs,
                                                                           clinic, today):
    with dbs() as session:
        leo = session.get(Pet, clinic["leo"])
        f.vaccination(session, leo, session.get(VaccineType, clinic["rabies"]),
                      today - timedelta(days=10), batch="RB-4711")
        session.commit()
    base = f"/owners/{clinic['owner']}/pets/{clinic['leo']}"
    for path in ("/vaccinations/certificate", "/record"):
        html = client.get(base + path).get_data(as_text=True)
        for text in (app.config["CLINIC_NAME"], app.config["CLINIC_ADDRESS"],
                     app.config["CLINIC_PHONE"], "George Franklin", "Leo", "RB-4711", "Rabies"):
            assert text in html, (path, text)
        assert "css/print.css" in html
        assert "style=" not in html and "<style" not in html  # the CSP allows no inline style
