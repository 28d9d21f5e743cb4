"""Pet weights on the pages: recorded on their own, at check-in, at completion and in a visit;
validated as kilograms with two decimals; flagged when they change more than 10 %; shown
as a table and an SVG chart with a constant number of statements."""

import xml.etree.ElementTree as ET
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.models import Pet, PetWeight, Visit
from app.weights.kilograms import KilogramsRefused, parse_kilograms, weight_change
from app.weights.services import load_weight_history, weight_entries
from tests import factories as f

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def leo(dbs):
    """An owner and their cat Leo; ids."""
    with dbs() as session:
        owner = f.owner(session)
        pet = f.pet(session, owner, name="Leo")
        session.commit()
        return {"owner": owner.id, "pet": pet.id}


def weights_url(leo):
    return f"/owners/{leo['owner']}/pets/{leo['pet']}/weights"


def add_weights(dbs, pet_id, *pairs):
    """Weights (day, "kg") of the pet, written directly."""
    with dbs() as session:
        for day, kilograms in pairs:
            session.add(PetWeight(pet_id=pet_id, recorded_on=day, kilograms=Decimal(kilograms)))
        session.commit()


def stored(dbs, pet_id=None):
    """(recorded_on, kilograms, visit_id, appointment_id) of every weight, in date order."""
    with dbs() as session:
        query = sa.select(PetWeight).order_by(PetWeight.recorded_on, PetWeight.id)
        if pet_id is not None:
            query = query.where(PetWeight.pet_id == pet_id)
        return [(w.recorded_on, w.kilograms, w.visit_id, w.appointment_id)
                for w in session.scalars(query)]


# --- what counts as a weight ---------------------------------------------------------------


@pytest.mark.parametrize(("typed", "kilograms"), [
    ("4.5", "4.50"), ("4,5", "4.50"), ("12.35", "12.35"), (" 0.10 ", "0.10"), (".5", "0.50"),
    ("9999.99", "9999.99"), ("0.01", "0.01"), ("1250", "1250.00"), ("007", "7.00"),
])
def test_kilograms_are_read_exactly_as_typed(typed, kilograms):
    value = parse_kilograms(typed)
    assert isinstance(value, Decimal) and str(value) == kilograms


@pytest.mark.parametrize(("typed", "message"), [
    ("0", "more than 0 kg"), ("0.00", "more than 0 kg"), ("-3", "more than 0 kg"),
    ("10000", "at most 9999.99 kg"), ("9" * 5000, "at most 9999.99 kg"),
    ("12.345", "at most two decimals"), ("1,250", "no thousands separator"),
    ("1e3", "e.g. 4.5"), ("NaN", "e.g. 4.5"), ("Infinity", "e.g. 4.5"), ("4.5 kg", "e.g. 4.5"),
    ("١٢", "e.g. 4.5"), (".", "e.g. 4.5"), ("1.2.3", "e.g. 4.5"),
])
def test_what_is_not_a_weight_is_refused_with_a_reason(typed, message):
    with pytest.raises(KilogramsRefused, match=message):
        parse_kilograms(typed)


# --- the 10 % flag --------------------------------------------------------------------------


@pytest.mark.parametrize(("previous", "current", "flagged", "label"), [
    ("10.00", "11.00", False, "+10.0 %"),   # exactly 10 % up: not more than 10 %
    ("10.00", "9.00", False, "-10.0 %"),    # exactly 10 % down
    ("10.00", "11.01", True, "+10.1 %"),    # just over, up
    ("10.00", "8.99", True, "-10.1 %"),     # just over, down
    ("100.00", "110.01", True, "+10.1 %"),  # 10.01 %: shown rounded away from zero, as flagged
    ("100.00", "109.99", False, "+10.0 %"),
    ("4.00", "4.50", True, "+12.5 %"),
    ("0.01", "0.02", True, "+100.0 %"),
    ("5.00", "5.00", False, "+0.0 %"),
])
def test_a_change_of_more_than_ten_percent_is_flagged(previous, current, flagged, label):
    change = weight_change(Decimal(previous), Decimal(current))
    assert (change.flagged, change.label) == (flagged, label)


def test_each_weight_is_compared_with_the_previous_one_by_date_not_by_entry(dbs, leo):
    # Recorded out of order: the one for 1 Feb comes last but sits between the others.
    add_weights(dbs, leo["pet"], (date(2025, 1, 1), "4.00"), (date(2025, 3, 1), "4.50"),
                (date(2025, 2, 1), "4.40"))
    with dbs() as session:
        entries = weight_entries(session.scalars(
            sa.select(PetWeight).order_by(PetWeight.recorded_on, PetWeight.id)).all())
    assert [(e.weight.recorded_on.month, e.change and e.change.label, e.flagged)
            for e in entries] == [(1, None, False), (2, "+10.0 %", False), (3, "+2.3 %", False)]


# --- recording on the weights page ----------------------------------------------------------


def test_a_weight_is_recorded_on_the_weights_page(client, dbs, leo, today):
    response = client.post(weights_url(leo), data={"kilograms": "4,25",
                                                   "recorded_on": today.isoformat()})
    assert response.status_code == 302
    assert stored(dbs) == [(today, Decimal("4.25"), None, None)]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Leo weighed 4.25 kg" in page and "<svg" in page


@pytest.mark.parametrize(("kilograms", "day", "message"), [
    ("", None, "Enter the weight."),
    ("abc", None, "Enter the weight in kilograms"),
    ("12.345", None, "Use at most two decimals"),
    ("0", None, "A weight is more than 0 kg."),
    ("10000", None, "A weight is at most 9999.99 kg."),
    ("4.5", "tomorrow", "A weight cannot be recorded for a day still to come."),
    ("4.5", "", "Enter a date."),
])
def test_a_bad_weight_is_a_form_error_and_nothing_is_saved(client, dbs, leo, today, kilograms,
                                                           day, message):
    day = {None: today.isoformat(), "tomorrow": (today + timedelta(days=1)).isoformat()}.get(day, day)
    response = client.post(weights_url(leo), data={"kilograms": kilograms, "recorded_on": day})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert stored(dbs) == []


def test_reception_records_weights(sign_in, dbs, leo, today):
    response = sign_in("reception").post(weights_url(leo), data={
        "kilograms": "5", "recorded_on": today.isoformat()})
    assert response.status_code == 302 and stored(dbs) == [(today, Decimal("5.00"), None, None)]


def test_the_weights_page_of_a_pet_of_another_owner_is_a_404(client, dbs, leo):
    with dbs() as session:
        other = f.owner(session, last_name="Davis").id
        session.commit()
    assert client.get(f"/owners/{other}/pets/{leo['pet']}/weights").status_code == 404


def test_the_owner_page_links_to_each_pets_weights(client, leo):
    page = client.get(f"/owners/{leo['owner']}").get_data(as_text=True)
    assert f'href="/owners/{leo["owner"]}/pets/{leo["pet"]}/weights"' in page


# --- at check-in, at completion, in a visit -------------------------------------------------


@pytest.fixture
def todays(dbs, leo, today):
    """Leo's appointment today at midnight with a vet (its day has come); its id."""
    with dbs() as session:
        pet = session.get(Pet, leo["pet"])
        vet = f.vet(session)
        appointment = f.appointment(session, pet, vet, starts_at=datetime.combine(today, time.min))
        session.commit()
        return appointment.id


def status_of(dbs, appointment_id):
    with dbs() as session:
        return session.scalar(sa.text("SELECT status FROM appointments WHERE id = :id"),
                              {"id": appointment_id})


def test_the_appointment_page_offers_check_in_with_a_weight(client, todays):
    page = client.get(f"/appointments/{todays}").get_data(as_text=True)
    assert 'id="check-in-with-weight"' in page and 'name="kilograms"' in page


def test_checking_in_with_a_weight_records_it_with_the_appointment(client, dbs, todays, today):
    response = client.post(f"/appointments/{todays}/check-in", data={"kilograms": "4.6"})
    assert response.status_code == 302
    assert status_of(dbs, todays) == "checked_in"
    assert stored(dbs) == [(today, Decimal("4.60"), None, todays)]


def test_checking_in_without_a_weight_still_works_from_the_day_sheet(client, dbs, todays):
    response = client.post(f"/appointments/{todays}/check-in", data={"back_to": "day"})
    assert response.status_code == 302 and "/appointments?date=" in response.headers["Location"]
    assert status_of(dbs, todays) == "checked_in" and stored(dbs) == []


def test_a_bad_weight_at_check_in_checks_nothing_in(client, dbs, todays):
    response = client.post(f"/appointments/{todays}/check-in", data={"kilograms": "4.567"})
    assert response.status_code == 200
    assert "Use at most two decimals" in response.get_data(as_text=True)
    assert status_of(dbs, todays) == "scheduled" and stored(dbs) == []


def test_a_refused_check_in_saves_no_weight(client, dbs, todays):
    client.post(f"/appointments/{todays}/cancel")
    client.post(f"/appointments/{todays}/check-in", data={"kilograms": "4.6"})
    assert status_of(dbs, todays) == "cancelled" and stored(dbs) == []


@pytest.fixture
def checked_in(dbs, todays):
    with dbs() as session:
        session.execute(sa.text("UPDATE appointments SET status = 'checked_in' WHERE id = :id"),
                        {"id": todays})
        session.commit()
    return todays


def test_completing_with_a_weight_records_it_with_the_visit(client, dbs, checked_in, today):
    assert 'name="kilograms"' in client.get(f"/appointments/{checked_in}/complete").get_data(
        as_text=True)
    response = client.post(f"/appointments/{checked_in}/complete",
                           data={"description": "Fine.", "kilograms": "12.35"})
    assert response.status_code == 302
    with dbs() as session:
        visit_id = session.scalar(sa.select(Visit.id).where(Visit.appointment_id == checked_in))
    assert stored(dbs) == [(today, Decimal("12.35"), visit_id, checked_in)]


def test_a_bad_weight_at_completion_completes_nothing(client, dbs, checked_in):
    response = client.post(f"/appointments/{checked_in}/complete",
                           data={"description": "Fine.", "kilograms": "-1"})
    assert response.status_code == 200
    assert "A weight is more than 0 kg." in response.get_data(as_text=True)
    assert status_of(dbs, checked_in) == "checked_in" and stored(dbs) == []
    with dbs() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Visit)) == 0


def test_a_visit_with_a_weight_records_it_on_the_visits_day(client, dbs, leo):
    url = f"/owners/{leo['owner']}/pets/{leo['pet']}/visits/new"
    assert 'name="kilograms"' in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"date": "2025-06-02", "description": "Walk-in.",
                                      "kilograms": "3.9"})
    assert response.status_code == 302
    with dbs() as session:
        visit_id = session.scalar(sa.select(Visit.id))
    assert stored(dbs) == [(date(2025, 6, 2), Decimal("3.90"), visit_id, None)]


def test_a_visit_with_a_bad_weight_records_neither(client, dbs, leo):
    url = f"/owners/{leo['owner']}/pets/{leo['pet']}/visits/new"
    response = client.post(url, data={"date": "2025-06-02", "description": "Walk-in.",
                                      "kilograms": "1,250"})
    assert response.status_code == 200 and "no thousands separator" in response.get_data(
        as_text=True)
    assert stored(dbs) == []
    with dbs() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Visit)) == 0


def test_a_visit_without_a_weight_records_none(client, dbs, leo):
    url = f"/owners/{leo['owner']}/pets/{leo['pet']}/visits/new"
    assert client.post(url, data={"date": "2025-06-02", "description": "Walk-in."}
                       ).status_code == 302
    assert stored(dbs) == []


# --- cascades -------------------------------------------------------------------------------


def test_deleting_a_pet_deletes_its_weights(client, dbs, leo):
    add_weights(dbs, leo["pet"], (date(2025, 1, 1), "4.00"))
    assert client.post(f"/owners/{leo['owner']}/pets/{leo['pet']}/delete").status_code == 302
    assert stored(dbs) == []


def test_a_pet_deleted_by_sql_outside_the_orm_leaves_no_weights(dbs, leo):
    add_weights(dbs, leo["pet"], (date(2025, 1, 1), "4.00"))
    with dbs() as session:
        session.execute(sa.text("DELETE FROM pets WHERE id = :id"), {"id": leo["pet"]})
        session.commit()
    assert stored(dbs) == []


def test_a_weight_outlives_its_deleted_visit(client, dbs, leo):
    with dbs() as session:
        visit = f.visit(session, session.get(Pet, leo["pet"]))
        session.add(PetWeight(pet_id=leo["pet"], recorded_on=visit.date, visit_id=visit.id,
                              kilograms=Decimal("4.00")))
        session.commit()
        visit_id = visit.id
    with dbs() as session:
        session.execute(sa.text("DELETE FROM visits WHERE id = :id"), {"id": visit_id})
        session.commit()
    assert stored(dbs) == [(date(2024, 1, 15), Decimal("4.00"), None, None)]


# --- the table and the chart ----------------------------------------------------------------

HISTORY = [(date(2025, 1, 5), "4.00"), (date(2025, 2, 3), "4.10"), (date(2025, 3, 3), "4.61"),
           (date(2025, 6, 30), "4.55")]


def chart_of(page):
    """The chart's SVG element, parsed out of a page."""
    start = page.index("<svg")
    return ET.fromstring(page[start:page.index("</svg>", start) + len("</svg>")])


def test_the_weights_page_lists_weights_with_the_flag_and_draws_the_chart(client, dbs, leo):
    add_weights(dbs, leo["pet"], *HISTORY)
    page = client.get(weights_url(leo)).get_data(as_text=True)
    assert "+12.5 % since 03 Feb 2025" in page  # 4.10 to 4.61 kg: flagged
    assert page.count("Flagged</span>") == 1
    svg = chart_of(page)
    title_id, desc_id = svg.get("aria-labelledby").split()
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").get("id") == title_id
    assert svg.find(f"{SVG}title").text == "Weight of Leo"
    description = svg.find(f"{SVG}desc")
    assert description.get("id") == desc_id
    assert description.text == ("4 weights from 5 Jan 2025 to 30 Jun 2025: lowest 4.00 kg, "
                                "highest 4.61 kg, latest 4.55 kg. One change of more than 10 % "
                                "is flagged with a red diamond.")
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert {"5 Jan 2025", "30 Jun 2025", "Weight (kg)"} <= set(texts)
    assert {"4.00", "4.10", "4.61 (+12.5 %)", "4.55"} <= set(texts)  # each point's value
    assert {"4.0", "4.2", "4.4", "4.6", "4.8"} <= set(texts)  # the value axis
    assert len(svg.findall(f".//{SVG}g[@class='flagged']")) == 1
    assert len(svg.findall(f".//{SVG}g[@class='weight']")) == 3
    tooltips = [t.text for t in svg.iter(f"{SVG}title")]
    assert "4.61 kg on 3 Mar 2025, +12.5 % since 3 Feb 2025 (more than 10 %)" in tooltips


def test_the_chart_has_no_inline_style_for_the_content_security_policy(client, dbs, leo):
    add_weights(dbs, leo["pet"], *HISTORY)
    svg = chart_of(client.get(weights_url(leo)).get_data(as_text=True))
    assert not [e for e in svg.iter() if "style" in e.attrib or e.tag == f"{SVG}style"]
    assert not [e for e in svg.iter() if e.tag == f"{SVG}script"]


def test_one_weight_is_drawn_and_none_is_said(client, dbs, leo):
    assert "No weights recorded." in client.get(weights_url(leo)).get_data(as_text=True)
    add_weights(dbs, leo["pet"], (date(2025, 1, 5), "12.35"))
    svg = chart_of(client.get(weights_url(leo)).get_data(as_text=True))
    assert svg.find(f"{SVG}desc").text == "One weight: 12.35 kg on 5 Jan 2025."
    assert svg.find(f"{SVG}polyline") is None and len(list(svg.iter(f"{SVG}circle"))) == 2


def test_the_chart_of_a_long_history_labels_the_latest_and_the_flagged(dbs, app, leo):
    start = date(2020, 1, 1)
    add_weights(dbs, leo["pet"], *[(start + timedelta(days=30 * i), "5.00") for i in range(40)],
                (date(2023, 1, 1), "6.00"))
    with dbs() as session:
        history = load_weight_history(session.get(Pet, leo["pet"]))
    svg = ET.fromstring(str(history.chart))
    labels = [t.text for g in svg.iter(f"{SVG}g") if g.get("class") in ("weight", "flagged")
              for t in g.iter(f"{SVG}text")]
    # 6.00 (+20 %) is flagged, the 5.00 after it (-16.7 %) too; the last 5.00 is the latest.
    assert labels == ["6.00 (+20.0 %)", "5.00 (-16.7 %)", "5.00"]
    dates = [t.text for t in svg.find(f"{SVG}g[@class='axes']").iter(f"{SVG}text")
             if t.text[0].isdigit() and " " in t.text]
    assert len(dates) == 6 and dates[0] == "1 Jan 2020"


def test_the_pet_page_partial_loader_reads_the_weights_in_one_statement(dbs, leo, statements):
    counts = []
    for days in (range(1), range(1, 20)):
        add_weights(dbs, leo["pet"], *[(date(2024, 1, 1) + timedelta(days=i), "4.00")
                                       for i in days])
        with dbs() as session:
            pet = session.get(Pet, leo["pet"])
            statements.reset()
            history = load_weight_history(pet)
            counts.append(statements.count)
    assert len(history.entries) == 20
    assert counts == [1, 1]


def test_the_weights_page_statements_do_not_grow_with_the_weights(client, dbs, leo, statements):
    counts = []
    for days in (range(2), range(2, 40)):
        add_weights(dbs, leo["pet"], *[(date(2024, 1, 1) + timedelta(days=i), "4.00")
                                       for i in days])
        statements.reset()
        assert client.get(weights_url(leo)).status_code == 200
        counts.append(statements.count)
    assert counts[0] == counts[1] <= 4  # signed-in user, pet with owner and type, weights


def test_the_partial_renders_on_its_own_for_the_pet_page(app, dbs, leo):
    add_weights(dbs, leo["pet"], *HISTORY)
    from flask import render_template

    with app.test_request_context(), dbs() as session:
        pet = session.get(Pet, leo["pet"])
        html = render_template("pets/_weights.html", pet=pet,
                               weight_history=load_weight_history(pet))
    assert "Weights of Leo, latest first" in html and "<svg" in html
    assert f"/owners/{leo['owner']}/pets/{leo['pet']}/weights" in html
