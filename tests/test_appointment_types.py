"""Appointment types as reference data: the page (add, edit, remove, a type in use refused),
`flask appointment-types`, and the demo's types."""

import re

import pytest
import sqlalchemy as sa

from app.models import Appointment, AppointmentType
from app.reference import appointment_types as type_services
from tests import factories as f


def type_rows(dbs):
    """(name, minutes, colour, specialty name) of every appointment type, by name."""
    with dbs() as session:
        rows = session.scalars(
            sa.select(AppointmentType)
            .options(sa.orm.joinedload(AppointmentType.specialty))
            .order_by(AppointmentType.name)
        )
        return [(t.name, t.duration_minutes, t.colour, t.specialty.name if t.specialty else None)
                for t in rows]


def add_type(client, name="Vaccination", minutes="15", colour="", specialty_id=""):
    """Submit the page's appointment type form; the final page."""
    data = {"apptype-name": name, "apptype-duration_minutes": minutes, "apptype-colour": colour,
            "apptype-specialty_id": specialty_id, "apptype-submit": "Add type"}
    return client.post("/reference", data=data, follow_redirects=True)


@pytest.fixture
def surgery_id(dbs):
    """The id of the specialty "surgery"."""
    with dbs() as session:
        row = f.specialty(session, "surgery")
        session.commit()
        return row.id


# --- the page -------------------------------------------------------------------------------


def test_a_type_is_added_with_its_duration_colour_and_specialty(client, dbs, surgery_id):
    page = add_type(client, " Surgery ", "120", "#C0392B", str(surgery_id))
    assert "Appointment type &#39;surgery&#39; added." in page.text
    assert type_rows(dbs) == [("surgery", 120, "#c0392b", "surgery")]
    # Listed with its colour as a swatch (an SVG fill: no inline style under the CSP).
    assert re.search(r'<rect[^>]*fill="#c0392b"', page.text)
    assert "style=" not in page.text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"colour": "red"}, "Write a colour as # and six hexadecimal digits"),
        ({"colour": "#12345g"}, "Write a colour as # and six hexadecimal digits"),
        ({"colour": "#1234567"}, "Field cannot be longer than 7 characters."),
        ({"minutes": "5"}, "Between 15 and 240 minutes."),
        ({"minutes": "9" * 400}, "Between 15 and 240 minutes."),
        ({"minutes": ""}, "Enter minutes."),
        ({"name": ""}, "This field is required."),
        ({"specialty_id": "424242"}, "Not a valid choice."),
        ({"specialty_id": "surgery"}, "Invalid Choice: could not coerce."),
    ],
)
def test_a_type_the_rules_refuse_is_shown_next_to_the_field(client, dbs, fields, message):
    page = add_type(client, **fields)
    assert page.status_code == 200 and message in page.text
    assert type_rows(dbs) == []


def test_a_duplicate_type_name_is_refused(client, dbs):
    add_type(client, "vaccination")
    page = add_type(client, "VACCINATION", "20")
    assert "&#39;vaccination&#39; exists already." in page.text
    assert type_rows(dbs) == [("vaccination", 15, None, None)]


def test_editing_a_type_renames_it_and_changes_duration_colour_and_specialty(
    client, dbs, surgery_id
):
    with dbs() as session:
        row = f.appointment_type(session, "op", 60, colour="#111111", needs="surgery")
        f.appointment_type(session, "dental", 60)
        session.commit()
    url = f"/reference/appointment-types/{row.id}/edit"
    form = client.get(url).text
    assert 'value="op"' in form and 'value="#111111"' in form
    assert re.search(rf'<option selected value="{surgery_id}">surgery</option>', form)

    page = client.post(url, data={"name": "Surgery", "duration_minutes": "120", "colour": "",
                                  "specialty_id": ""}, follow_redirects=True)
    assert "Appointment type &#39;surgery&#39; saved." in page.text
    assert type_rows(dbs) == [("dental", 60, None, None), ("surgery", 120, None, None)]

    taken = client.post(url, data={"name": "dental", "duration_minutes": "30"})
    assert taken.status_code == 200 and "&#39;dental&#39; exists already." in taken.text


def test_removing_an_unused_type(client, dbs):
    with dbs() as session:
        row = f.appointment_type(session, "grooming", 30)
        session.commit()
    page = client.post(f"/reference/appointment-types/{row.id}/delete", follow_redirects=True)
    assert "Appointment type &#39;grooming&#39; removed." in page.text
    assert type_rows(dbs) == []


def booked_of_type(dbs, name="surgery"):
    """A type with one appointment of it; the type's id."""
    with dbs() as session:
        kind = f.appointment_type(session, name, 120)
        f.appointment(session, f.pet(session, f.owner(session)), f.vet(session), type=kind)
        session.commit()
        return kind.id


def test_removing_a_type_in_use_is_refused_saying_how_often_it_is_used(client, dbs):
    type_id = booked_of_type(dbs)
    page = client.post(f"/reference/appointment-types/{type_id}/delete", follow_redirects=True)
    assert page.status_code == 200
    assert "1 appointment has the type &#39;surgery&#39;, so it cannot be removed." in page.text
    assert type_rows(dbs) == [("surgery", 120, None, None)]


def test_a_type_given_to_an_appointment_after_the_check_is_kept_by_the_database(
    client, dbs, monkeypatch
):
    # As if the appointment was booked between the count and the DELETE: ON DELETE RESTRICT
    # refuses it, and the page says so (never a 500, never the appointment's type nulled).
    type_id = booked_of_type(dbs)
    monkeypatch.setattr(type_services, "times_used", lambda row: 0)
    page = client.post(f"/reference/appointment-types/{type_id}/delete", follow_redirects=True)
    assert page.status_code == 200
    assert "was given to an appointment meanwhile, so it cannot be removed" in page.text
    with dbs() as session:
        assert session.scalar(sa.select(Appointment.type_id)) == type_id


def test_a_missing_type_is_a_404(client):
    assert client.get("/reference/appointment-types/424242/edit").status_code == 404
    assert client.post("/reference/appointment-types/424242/delete").status_code == 404


def test_only_administrators_manage_types(sign_in, dbs):
    with dbs() as session:
        row = f.appointment_type(session)
        session.commit()
    desk = sign_in("reception")
    assert desk.get(f"/reference/appointment-types/{row.id}/edit").status_code == 403
    assert desk.post(f"/reference/appointment-types/{row.id}/delete").status_code == 403
    assert type_rows(dbs) == [("consultation", 30, None, None)]


# --- flask appointment-types ----------------------------------------------------------------


def test_adding_and_listing_types_on_the_command_line(runner, dbs, surgery_id):
    added = runner.invoke(args=["appointment-types", "add", "Surgery", "--minutes", "120",
                                "--colour", "#3366cc", "--specialty", " Surgery"])
    assert added.exit_code == 0, added.output
    assert added.stdout.startswith("Added appointment type 'surgery' (id ")
    assert runner.invoke(args=["appointment-types", "add", "vaccination", "--minutes", "15"]).exit_code == 0
    assert type_rows(dbs) == [("surgery", 120, "#3366cc", "surgery"),
                              ("vaccination", 15, None, None)]

    listed = runner.invoke(args=["appointment-types", "list"])
    assert listed.exit_code == 0
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["ID", "Name", "Minutes", "Colour", "Needs"]
    assert lines[2].split()[1:] == ["surgery", "120", "#3366cc", "surgery"]
    assert lines[3].split()[1:] == ["vaccination", "15", "-", "-"]


def test_an_empty_type_list_says_so(runner):
    result = runner.invoke(args=["appointment-types", "list"])
    assert (result.exit_code, result.stdout) == (0, "No appointment types yet.\n")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["x", "--minutes", "5"], 1, "No appointment type added. Duration (minutes): Between 15"),
        (["x", "--minutes", "30", "--colour", "blue"], 1, "Write a colour as # and six"),
        (["x", "--minutes", "30", "--specialty", "x-ray"], 1,
         "Unknown specialty: x-ray. Known: surgery"),
        (["", "--minutes", "30"], 1, "Name: This field is required."),
        (["consultation", "--minutes", "45"], 1, "'consultation' exists already."),
        (["x"], 2, "Missing option '--minutes'"),
        (["x", "--minutes", "half"], 2, "'half' is not a valid integer"),
    ],
)
def test_a_type_the_rules_refuse_is_not_added_on_the_command_line(
    runner, dbs, surgery_id, args, code, message
):
    with dbs() as session:
        f.appointment_type(session)
        session.commit()
    result = runner.invoke(args=["appointment-types", "add", *args])
    assert result.exit_code == code
    assert message in result.stderr
    assert type_rows(dbs) == [("consultation", 30, None, None)]


def test_removing_types_on_the_command_line(runner, dbs):
    booked_of_type(dbs)
    with dbs() as session:
        f.appointment_type(session, "grooming")
        session.commit()

    removed = runner.invoke(args=["appointment-types", "remove", "Grooming"])
    assert (removed.exit_code, removed.stdout) == (0, "Removed appointment type 'grooming'.\n")

    in_use = runner.invoke(args=["appointment-types", "remove", "surgery"])
    assert in_use.exit_code == 1
    assert "1 appointment has the type 'surgery', so it cannot be removed." in in_use.stderr

    unknown = runner.invoke(args=["appointment-types", "remove", "yoga"])
    assert unknown.exit_code == 1 and "There is no appointment type 'yoga'" in unknown.stderr
    assert type_rows(dbs) == [("surgery", 120, None, None)]


# --- the demo -------------------------------------------------------------------------------


def test_the_demo_has_the_four_types_and_gives_its_appointments_types(runner, dbs):
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    assert type_rows(dbs) == [
        ("consultation", 30, "#3366cc", None),
        ("dental", 60, "#d9822b", None),
        ("surgery", 120, "#c0392b", "surgery"),
        ("vaccination", 15, "#2e8b57", None),
    ]
    with dbs() as session:
        rows = session.execute(
            sa.select(Appointment.reason, AppointmentType.name, Appointment.duration_minutes)
            .join(Appointment.type)
        ).all()
        untyped = session.scalar(sa.select(sa.func.count()).where(Appointment.type_id.is_(None)))
    assert untyped == 0
    assert ("neutered", "surgery", 120) in rows and ("rabies shot", "vaccination", 15) in rows
    # Run again, nothing is added twice.
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    assert len(type_rows(dbs)) == 4
