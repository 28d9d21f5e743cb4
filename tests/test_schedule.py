"""The schedule grid: blocks at their rows, why a slot is not free, free slots that book."""

import re
from datetime import datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from app.models import (
    Absence,
    AppointmentStatus,
    AppointmentType,
    ClinicClosure,
    OpeningHours,
    RotaDay,
    Vet,
)
from tests import factories as f
from tests.grid_reader import read_grid
from tests.staff import PASSWORD, ensure_staff


def a_wednesday(today):
    """A Wednesday at least two weeks ahead: every slot of it is in the future."""
    day = today + timedelta(days=14)
    return day + timedelta(days=(2 - day.weekday()) % 7)


@pytest.fixture
def clinic(dbs, today):
    """Four vets on a Wednesday: Carter (no rota), Leary (09-17, lunch 12-13), Ortega (away
    14-16), Stevens (off on Wednesdays), and Gone (retired); a few appointments."""
    day = a_wednesday(today)
    at = lambda hour, minute=0: datetime.combine(day, time(hour, minute))  # noqa: E731
    with dbs() as session:
        carter = f.vet(session, "Carter", "James")
        leary = f.vet(session, "Leary", "Helen")
        ortega = f.vet(session, "Ortega", "Linda")
        stevens = f.vet(session, "Stevens", "Henry")
        gone = f.vet(session, "Timer", "Old", active=False)
        session.add_all([
            RotaDay(vet_id=leary.id, weekday=day.weekday(), starts=time(9), ends=time(17),
                    break_starts=time(12), break_ends=time(13)),
            RotaDay(vet_id=stevens.id, weekday=(day.weekday() + 1) % 7, starts=time(9),
                    ends=time(17)),
            Absence(vet_id=ortega.id, starts_at=at(14), ends_at=at(16), reason="dentist"),
        ])
        vaccination = AppointmentType(name="Vaccination", duration_minutes=15, colour="#22aa55")
        session.add(vaccination)
        owner = f.owner(session, "Franklin", "George")
        leo = f.pet(session, owner, "Leo")
        other = f.owner(session, "Davis", "Betty", telephone="+16085551749")
        rex = f.pet(session, other, "Rex", kind="dog")
        limping = f.appointment(session, leo, carter, at(10), 30, "limping")
        cancelled = f.appointment(session, rex, carter, at(11), 30, "called off",
                                  status=AppointmentStatus.CANCELLED)
        jab = f.appointment(session, rex, leary, at(9, 15), 60, "booster", type=vaccination)
        session.commit()
        return {
            "day": day, "carter": carter.id, "leary": leary.id, "ortega": ortega.id,
            "stevens": stevens.id, "gone": gone.id, "owner": owner.id, "leo": leo.id,
            "limping": limping.id, "cancelled": cancelled.id, "jab": jab.id,
        }


def grid_of(client, **query):
    """GET /schedule with ``query`` and read its grid."""
    response = client.get("/schedule", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return read_grid(response.get_data(as_text=True))


def day_grid(client, clinic, **query):
    """The day view of the clinic's Wednesday."""
    return grid_of(client, date=clinic["day"].isoformat(), **query)


def booking_args(link):
    """The query string of a link, one value each."""
    return {name: values[0] for name, values in parse_qs(urlsplit(link).query).items()}


# --- the day view ------------------------------------------------------------------------------


def test_the_day_has_a_column_per_working_vet_and_rows_over_the_clinics_hours(client, clinic):
    grid = day_grid(client, clinic)
    names = " | ".join(grid.columns)
    assert "James Carter" in names and "Helen Leary" in names and "Linda Ortega" in names
    assert "Henry Stevens" not in names  # off on Wednesdays, nobody booked
    assert "Old Timer" not in names  # retired, nobody booked
    assert grid.times[0] == "08:00" and grid.times[-1] == "17:45"
    assert len(grid.times) == 40  # 15-minute slots, 08:00-18:00


def test_the_day_is_a_page_of_vets_at_a_time(app, client, dbs, clinic):
    # The clinic's working vets and PAGE_SIZE more (two pages), one booked on the last page.
    size = app.config["PAGE_SIZE"]
    with dbs() as session:
        extra = [f.vet(session, f"Zz{n:02d}", "Extra") for n in range(size)]
        pet = f.pet(session, f.owner(session, "Fuller", "Fay"), "Pip")
        late = f.appointment(session, pet, extra[-1], datetime.combine(clinic["day"], time(15)),
                             30, "last page")
        session.commit()
        late_vet, late_id = extra[-1].id, late.id
    first = client.get(f"/schedule?date={clinic['day'].isoformat()}").text
    total = int(re.search(r"(\d+) vets, page 1 of 2\.", first).group(1))
    assert size < total <= 2 * size and len(read_grid(first).columns) == size
    assert "last page" not in first and f"Extra Zz{size - 1:02d}" in first  # in the chooser
    second = day_grid(client, clinic, page=2)  # by name: the last of the extra vets
    assert second.columns == [f"Extra Zz{n:02d}" for n in range(2 * size - total, size)]
    assert "last page" in second.cell("15:00", f"Zz{size - 1:02d}").text
    # A vet asked for is shown on their own page, in focus; a page past the last is a 404.
    chosen = client.get(f"/schedule?date={clinic['day'].isoformat()}&vet={late_vet}").text
    assert "page 2 of 2" in chosen and f"/appointments/{late_id}" in chosen
    assert client.get(f"/schedule?date={clinic['day'].isoformat()}&page=3").status_code == 404
    assert client.get(f"/schedule?date={clinic['day'].isoformat()}&page=0").status_code == 404


def test_an_appointment_is_a_block_over_its_rows_with_time_pet_owner_reason_status(client, clinic):
    grid = day_grid(client, clinic)
    block = grid.cell("10:00", "Carter")
    assert "slot-block" in block.classes and block.rowspan == 2
    assert grid.cell("10:15", "Carter") is block
    assert "slot-free" in grid.cell("09:45", "Carter").classes
    assert "slot-free" in grid.cell("10:30", "Carter").classes
    for shown in ("10:00–10:30", "Leo", "George Franklin", "limping", "Scheduled"):
        assert shown in block.text
    assert block.links == [f"/appointments/{clinic['limping']}"]


def test_a_typed_appointment_shows_its_type_and_colour_swatch(client, clinic):
    page = client.get(f"/schedule?date={clinic['day'].isoformat()}").get_data(as_text=True)
    block = read_grid(page).cell("09:15", "Leary")
    assert block.rowspan == 4 and block.top == "09:15"
    assert "Vaccination: booster" in block.text and "Rex" in block.text
    assert '<rect width="10" height="10" rx="2" fill="#22aa55"/>' in page
    assert "style=" not in page  # the CSP forbids inline style


def test_cancelled_appointments_are_hidden_unless_asked_for_then_struck_through(client, clinic):
    hidden = day_grid(client, clinic)
    assert "slot-free" in hidden.cell("11:00", "Carter").classes
    shown = day_grid(client, clinic, cancelled="show")
    block = shown.cell("11:00", "Carter")
    assert "called off" in block.text and "Cancelled" in block.text
    page = client.get(f"/schedule?date={clinic['day'].isoformat()}&cancelled=show").get_data(
        as_text=True)
    assert re.search(r'class="appt status-cancelled cancelled" href="/appointments/%d"'
                     % clinic["cancelled"], page)


def test_time_outside_a_vets_hours_is_shaded_as_not_working_with_the_rule(client, clinic):
    cell = day_grid(client, clinic).cell("08:00", "Leary")
    assert "slot-off" in cell.classes and cell.rowspan == 4  # 08:00-09:00, one cell
    assert cell.text.startswith("Not working")
    assert cell.title == "Outside Helen Leary's hours on Wednesdays (09:00–17:00)."
    assert cell.title in cell.text  # for screen readers too


def test_a_break_is_shaded_with_its_label(client, clinic):
    cell = day_grid(client, clinic).cell("12:30", "Leary")
    assert cell.top == "12:00" and cell.rowspan == 4
    assert cell.text.startswith("Break") and "break 12:00–13:00" in cell.title


def test_an_absence_is_shaded_as_away_with_its_reason(client, clinic):
    cell = day_grid(client, clinic).cell("15:00", "Ortega")
    assert cell.top == "14:00" and cell.rowspan == 8
    assert cell.text.startswith("Away") and "(dentist)" in cell.title
    assert "slot-free" in day_grid(client, clinic).cell("16:00", "Ortega").classes


def test_a_vets_day_off_is_shaded_when_that_vet_is_asked_for(client, clinic):
    grid = day_grid(client, clinic, vet=clinic["stevens"])
    cell = grid.cell("10:00", "Stevens")
    assert cell.rowspan == 40 and cell.text.startswith("Not working")
    assert cell.title == "Henry Stevens does not work on Wednesdays."


def test_a_vet_asked_for_is_a_column_even_retired_and_unbooked(client, clinic):
    # Neither taking bookings nor booked: on the grid only because the desk asked for them.
    grid = day_grid(client, clinic, vet=clinic["gone"])
    assert [name for name in grid.columns if "Timer" in name] == ["Old Timer No longer booked"]
    assert not [name for name in day_grid(client, clinic).columns if "Timer" in name]


def test_a_closure_shades_the_whole_day_with_its_reason(client, dbs, clinic):
    with dbs() as session:
        session.add(ClinicClosure(day=clinic["day"], reason="Staff training"))
        session.commit()
    response = client.get(f"/schedule?date={clinic['day'].isoformat()}")
    page = response.get_data(as_text=True)
    assert "Clinic closed: Staff training." in page
    grid = read_grid(page)
    # Nobody works, so only the vets booked that day have a column; their blocks still show.
    assert [name for name in grid.columns if "Carter" in name or "Leary" in name]
    cell = grid.cell("08:00", "Carter")
    assert cell.text.startswith("Clinic closed") and "(Staff training)" in cell.title
    assert "slot-block" in grid.cell("10:00", "Carter").classes


def test_a_weekday_the_clinic_is_closed_says_so(client, dbs, clinic):
    with dbs() as session:
        session.add_all([OpeningHours(weekday=n, opens=time(9), closes=time(17)) for n in range(6)]
                        + [OpeningHours(weekday=6)])
        session.commit()
    sunday = clinic["day"] + timedelta(days=4)
    page = client.get(f"/schedule?date={sunday.isoformat()}").get_data(as_text=True)
    assert "No vet works on" in page
    grid = grid_of(client, date=sunday.isoformat(), vet=clinic["carter"])
    cell = grid.cell("09:00", "Carter")
    assert cell.text.startswith("Clinic closed") and cell.title == "The clinic is closed on Sundays."
    wednesday = day_grid(client, clinic)
    assert wednesday.times[0] == "09:00" and wednesday.times[-1] == "16:45"


# --- free slots and booking -------------------------------------------------------------------


def test_a_free_slot_links_to_whose_pet_with_vet_date_time_and_duration(client, clinic):
    grid = day_grid(client, clinic)
    (link,) = grid.cell("10:30", "Carter").links
    assert urlsplit(link).path == "/appointments/new"
    assert booking_args(link) == {"vet_id": str(clinic["carter"]), "date": clinic["day"].isoformat(),
                                  "start_time": "10:30", "duration_minutes": "30"}
    # Just before a booked slot only the free time is offered.
    (before,) = grid.cell("09:45", "Carter").links
    assert booking_args(before)["duration_minutes"] == "15"


def test_with_a_pet_in_context_a_free_slot_links_to_its_booking_form(client, clinic):
    grid = day_grid(client, clinic, pet=clinic["leo"])
    (link,) = grid.cell("14:00", "Leary").links
    assert urlsplit(link).path == f"/owners/{clinic['owner']}/pets/{clinic['leo']}/appointments/new"
    assert booking_args(link)["start_time"] == "14:00"
    page = client.get(f"/schedule?date={clinic['day'].isoformat()}&pet={clinic['leo']}")
    text = page.get_data(as_text=True)
    assert "Booking for <strong>Leo</strong>" in text
    assert f"pet={clinic['leo']}" in text.split('id="schedule-picker"')[0]  # next/previous carry it


def test_the_booking_form_is_filled_from_the_slots_link(client, clinic):
    url = (f"/owners/{clinic['owner']}/pets/{clinic['leo']}/appointments/new?vet_id="
           f"{clinic['leary']}&date={clinic['day'].isoformat()}&start_time=14:00&duration_minutes=45")
    page = client.get(url).get_data(as_text=True)
    assert f'<option selected value="{clinic["leary"]}">' in page
    assert f'value="{clinic["day"].isoformat()}"' in page
    assert 'value="14:00"' in page and 'value="45"' in page
    assert "Find on the schedule" in page and f"/schedule?pet={clinic['leo']}" in page


@pytest.mark.parametrize("query", [
    "vet_id=abc&date=2024-02-30&start_time=25:61&duration_minutes=9999",
    "vet_id=99999999999999999999&date=0001-01-01&start_time=&duration_minutes=-5",
    "vet_id=%00&date=%F0%9F&start_time=10:00:00:00&duration_minutes=1e3",
])
def test_unusable_prefill_values_are_ignored(client, clinic, today, query):
    url = f"/owners/{clinic['owner']}/pets/{clinic['leo']}/appointments/new?{query}"
    response = client.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'value="{(today + timedelta(days=1)).isoformat()}"' in page  # the usual default
    assert 'value="30"' in page


def test_past_slots_do_not_link_to_booking(client, clinic, today):
    grid = grid_of(client, date=(today - timedelta(days=1)).isoformat(), vet=clinic["carter"])
    cell = grid.cell("10:00", "Carter")
    assert "slot-past" in cell.classes and cell.links == []


def test_a_booking_from_a_slot_appears_on_the_grid(client, clinic):
    (link,) = day_grid(client, clinic, pet=clinic["leo"]).cell("15:00", "Carter").links
    form = booking_args(link) | {"reason": "stitches out"}
    assert client.post(urlsplit(link).path, data=form).status_code == 302
    block = day_grid(client, clinic).cell("15:15", "Carter")
    assert block.top == "15:00" and "stitches out" in block.text


# --- whose pet? -------------------------------------------------------------------------------


def test_whose_pet_finds_owners_and_links_their_pets_with_the_slot(client, clinic):
    slot = f"vet_id={clinic['carter']}&date={clinic['day'].isoformat()}&start_time=15:30&duration_minutes=30"
    page = client.get(f"/appointments/new?{slot}").get_data(as_text=True)
    assert "Whose pet?" in page and "at 15:30 with James Carter, 30 minutes" in page
    found = client.get(f"/appointments/new?{slot}&lastName=fra").get_data(as_text=True)
    assert "George Franklin" in found and "Betty Davis" not in found
    (link,) = re.findall(r'href="([^"]*/pets/%d/appointments/new[^"]*)"' % clinic["leo"], found)
    assert booking_args(link.replace("&amp;", "&")) == booking_args(f"?{slot}")


def test_whose_pet_with_nonsense_is_still_a_page(client):
    response = client.get("/appointments/new?vet_id=x&date=y&start_time=z&lastName=%00")
    assert response.status_code == 400 and "Whose pet?" in response.get_data(as_text=True)
    assert client.get("/appointments/new?vet_id=999999").status_code == 200


# --- the week view ----------------------------------------------------------------------------


def test_a_vets_week_has_seven_day_columns_with_weekday_and_date(client, clinic):
    grid = grid_of(client, view="week", vet=clinic["carter"], date=clinic["day"].isoformat())
    monday = clinic["day"] - timedelta(days=2)
    assert grid.columns == [
        f"{day:%A} {day:%d %b %Y}" for day in (monday + timedelta(days=n) for n in range(7))
    ]
    assert "slot-block" in grid.cell("10:00", "Wednesday").classes
    assert "limping" in grid.cell("10:15", "Wednesday").text
    assert "slot-free" in grid.cell("10:00", "Tuesday").classes
    assert ["focus" in cell.classes for cell in grid.header_cells] == [
        False, False, True, False, False, False, False]


def test_a_week_with_a_rota_shades_the_days_off(client, clinic):
    grid = grid_of(client, view="week", vet=clinic["stevens"], date=clinic["day"].isoformat())
    off = grid.cell("10:00", "Wednesday")
    assert off.text.startswith("Not working") and off.rowspan == 40
    working_day = (clinic["day"].weekday() + 1) % 7
    assert "slot-free" in grid.cell("10:00", grid.columns[working_day].split()[0]).classes


def test_this_weeks_view_marks_today(client, clinic, today):
    response = client.get(f"/schedule?view=week&vet={clinic['carter']}")
    page = response.get_data(as_text=True)
    grid = read_grid(page)
    (marked,) = [cell for cell in grid.header_cells if "today" in cell.classes]
    assert marked.text == f"{today:%A} {today:%d %b %Y} Today"
    assert page.count('aria-current="date"') == 1
    other_week = grid_of(client, view="week", vet=clinic["carter"],
                         date=(today + timedelta(days=7)).isoformat())
    assert not [cell for cell in other_week.header_cells if "today" in cell.classes]


def test_the_week_moves_by_weeks_and_the_day_by_days(client, clinic):
    day = clinic["day"]
    week = client.get(f"/schedule?view=week&vet={clinic['carter']}&date={day.isoformat()}")
    text = week.get_data(as_text=True)
    for moved in (day - timedelta(days=7), day + timedelta(days=7)):
        assert f"/schedule?date={moved.isoformat()}&amp;view=week&amp;vet={clinic['carter']}" in text
    text = client.get(f"/schedule?date={day.isoformat()}").get_data(as_text=True)
    for moved in (day - timedelta(days=1), day + timedelta(days=1)):
        assert f'href="/schedule?date={moved.isoformat()}"' in text
    assert '<input class="form-control form-control-sm" type="date" id="pick-date" name="date"' in text
    assert f'href="/appointments?date={day.isoformat()}">Day sheet' in text


def test_a_phone_sees_the_chosen_vets_column_and_a_chooser(client, clinic):
    page = client.get(f"/schedule?date={clinic['day'].isoformat()}&vet={clinic['leary']}")
    text = page.get_data(as_text=True)
    grid = read_grid(text)
    focused = [name for name, cell in zip(grid.columns, grid.header_cells, strict=True)
               if "focus" in cell.classes]
    assert focused == ["Helen Leary"]
    # Every cell of the other columns is hidden on a phone (static CSS: .schedule-grid .other).
    for (clock, index), cell in grid.at.items():
        assert ("other" in cell.classes) == (grid.columns[index] != "Helen Leary"), clock
    chooser = text.split('class="schedule-chooser')[1].split("</nav>")[0]
    assert f"vet={clinic['carter']}" in chooser and 'aria-current="page"' in chooser


# --- landing page, navigation, the day sheet ----------------------------------------------------


def test_a_vet_signs_in_to_their_own_week_and_home_sends_them_there(app, sign_in, connection):
    ensure_staff(app)
    client = app.test_client()
    response = client.post("/login", data={"username": "vet", "password": PASSWORD})
    location = response.headers["Location"]
    assert re.fullmatch(r"/schedule\?view=week&vet=\d+", location)
    assert client.get("/").headers["Location"] == location
    page = client.get(location).get_data(as_text=True)
    assert "Sam Staffmember: week of" in page
    reception = sign_in("reception")
    home = reception.get("/")
    assert home.status_code == 200 and "Welcome" in home.get_data(as_text=True)
    assert 'href="/schedule">Schedule</a>' in home.get_data(as_text=True)


def test_the_day_sheet_links_to_the_grid(client, clinic):
    page = client.get(f"/appointments?date={clinic['day'].isoformat()}").get_data(as_text=True)
    assert f'href="/schedule?date={clinic["day"].isoformat()}"' in page


# --- bad query strings --------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "status"), [
    ("date=garbage", 404),
    ("date=2024-02-30", 404),
    ("date=9999-12-31", 404),
    ("date=0001-01-01", 404),
    ("view=nonsense", 400),
    ("cancelled=maybe", 400),
    ("vet=999999", 404),
    ("vet=abc", 404),
    ("vet=99999999999999999999", 404),
    ("view=week&vet=999999", 404),
    ("view=week", 400),  # an administrator without a vet of their own: whose week?
    ("pet=999999", 404),
    ("pet=-1", 404),
])
def test_a_bad_query_is_a_4xx_page_not_a_500(client, query, status):
    response = client.get(f"/schedule?{query}")
    assert response.status_code == status
    assert "<h1" in response.get_data(as_text=True)


# --- statements -------------------------------------------------------------------------------


def count_statements(client, statements, url):
    """The statements of one GET (asserting a 200)."""
    statements.reset()
    assert client.get(url).status_code == 200
    return statements.count


def test_the_schedule_sends_the_same_statements_for_few_or_many_vets_and_appointments(
    client, dbs, clinic, statements
):
    day = clinic["day"].isoformat()
    urls = [f"/schedule?date={day}", f"/schedule?date={day}&cancelled=show&pet={clinic['leo']}",
            f"/schedule?view=week&vet={clinic['carter']}&date={day}",
            f"/appointments/new?vet_id={clinic['carter']}&date={day}&lastName=f"]
    few = [count_statements(client, statements, url) for url in urls]
    with dbs() as session:
        owner = f.owner(session, "Fuller", "Fay")
        pets = [f.pet(session, owner, f"Pet {n}") for n in range(6)]
        for n in range(6):
            vet = f.vet(session, f"Extra {n}", "Vet")
            session.add(RotaDay(vet_id=vet.id, weekday=clinic["day"].weekday(), starts=time(8),
                                ends=time(18), break_starts=time(12), break_ends=time(13)))
            session.add(Absence(vet_id=vet.id, reason="course",
                                starts_at=datetime.combine(clinic["day"], time(16)),
                                ends_at=datetime.combine(clinic["day"], time(17))))
            for hour in range(8, 12):
                f.appointment(session, pets[n], vet, datetime.combine(clinic["day"], time(hour)),
                              30, "busy")
        carter = session.get(Vet, clinic["carter"])
        for n, hour in enumerate(range(13, 17)):  # Carter's week fills up too
            f.appointment(session, pets[n], carter,
                          datetime.combine(clinic["day"] + timedelta(days=1), time(hour)), 30, "more")
        session.commit()
    many = [count_statements(client, statements, url) for url in urls]
    assert many == few
    # The signed-in user; vets; clinic hours, closures, rotas, absences; appointments; their
    # pets' alerts; the appointment types to choose from.
    assert few[0] <= 9


def test_a_block_shows_the_pets_alerts(client, dbs, clinic):
    from app.models.pet_alert import AlertSeverity, PetAlert

    with dbs() as session:
        session.add(PetAlert(pet_id=clinic["leo"], text="bites", severity=AlertSeverity.DANGER,
                             created_by="reception"))
        session.commit()
    page = client.get("/schedule", query_string={"date": clinic["day"].isoformat()})
    block = re.search(r'<a class="appt[^>]*appointments/%d".*?</a>' % clinic["limping"],
                      page.get_data(as_text=True), re.S)
    assert block and "Danger: bites" in block.group(0)


def test_with_a_type_free_slots_book_its_length_and_too_short_ones_do_not_link(client, dbs, clinic):
    with dbs() as session:
        dental = AppointmentType(name="dental", duration_minutes=60)
        session.add(dental)
        session.commit()
        dental_id = dental.id
    page = client.get("/schedule", query_string={"date": clinic["day"].isoformat(),
                                                  "vet": clinic["carter"], "type": dental_id})
    html = page.get_data(as_text=True)
    links = [booking_args(link.replace("&amp;", "&")) for link in
             re.findall(r'href="(/appointments/new\?[^"]+)"', html)]
    carter = [args for args in links if args["vet_id"] == str(clinic["carter"])]
    assert carter and {args["duration_minutes"] for args in carter} == {"60"}
    assert {args["type_id"] for args in carter} == {str(dental_id)}
    # Carter is booked 10:00-10:30: an hour from 09:15, 09:30 or 09:45 runs into it; from
    # 08:00 or 08:30 it fits.
    starts = {args["start_time"] for args in carter}
    assert {"08:00", "08:30"} <= starts and not {"09:15", "09:30", "09:45"} & starts
    assert "too short for dental" in html


def test_an_unknown_type_is_a_404(client, clinic):
    response = client.get("/schedule", query_string={"date": clinic["day"].isoformat(),
                                                      "type": "987654"})
    assert response.status_code == 404
