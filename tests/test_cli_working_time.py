"""`flask hours|closures|rota|absences`: working time from the command line, refusals that
write nothing, and the appointments a change leaves outside working time, printed."""

from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app.models import Absence, ClinicClosure, OpeningHours, RotaDay
from app.models.working_time import WEEKDAYS
from tests import factories as f


def rows(dbs, model):
    with dbs() as session:
        return session.scalars(sa.select(model)).all()


@pytest.fixture
def clinic(dbs, today):
    """Leo booked with James Carter tomorrow at 10:00; ids and tomorrow's weekday name."""
    with dbs() as session:
        carter = f.vet(session)
        booked = f.appointment(session, f.pet(session, f.owner(session)), carter)
        session.commit()
        day = today + timedelta(days=1)
        return {"carter": carter.id, "appointment": booked.id, "day": day,
                "weekday": WEEKDAYS[day.weekday()].lower()}


def test_hours_show_the_defaults_until_set_and_set_keeps_the_other_days(runner, dbs):
    shown = runner.invoke(args=["hours", "show"])
    assert shown.exit_code == 0 and shown.output.count("08:00") == 7
    assert runner.invoke(args=["hours", "set", "sunday", "closed"]).exit_code == 0
    result = runner.invoke(args=["hours", "set", "Sat", "09:00", "13:00"])
    assert result.exit_code == 0 and "Saturday: 09:00–13:00." in result.output
    hours = {row.weekday: (row.opens, row.closes) for row in rows(dbs, OpeningHours)}
    assert hours == {**{d: (time(8), time(18)) for d in range(5)},
                     5: (time(9), time(13)), 6: (None, None)}
    assert "Sunday     closed" in runner.invoke(args=["hours", "show"]).output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["funday", "08:00", "18:00"], "'funday' is not a weekday"),
        (["monday", "18:00", "08:00"], "It must end after it starts (18:00)."),
        (["monday", "8am", "18:00"], "'8am' is not a time of day written HH:MM."),
        (["monday", "08:00"], "Give the closing time too"),
        (["monday", "closed", "18:00"], "A closed day takes no closing time."),
    ],
)
def test_hours_that_cannot_be_are_refused_and_nothing_written(runner, dbs, args, message):
    result = runner.invoke(args=["hours", "set", *args])
    assert result.exit_code != 0 and message in result.output
    assert rows(dbs, OpeningHours) == []


def test_closing_the_clinic_over_a_booking_prints_it_to_rebook(runner, dbs, clinic):
    day = clinic["day"].isoformat()
    result = runner.invoke(args=["closures", "add", day, "Burst pipe"])
    assert result.exit_code == 0, result.output
    assert "1 scheduled appointment(s) now fall outside working time" in result.output
    assert f"{day} 10:00" in result.output and "Leo" in result.output
    assert "George Franklin" in result.output and "(Burst pipe)" in result.output
    listed = runner.invoke(args=["closures", "list"])
    assert day in listed.output and "Burst pipe" in listed.output
    assert runner.invoke(args=["closures", "remove", day]).exit_code == 0
    assert rows(dbs, ClinicClosure) == []
    again = runner.invoke(args=["closures", "remove", day])
    assert again.exit_code == 1 and "no closure" in again.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["2001-01-01", "Old"], "That day has passed."),
        (["2099-13-01", "Odd"], "'2099-13-01' does not match the format"),
        (["2099-12-25", " "], "Give a reason."),
        (["2099-12-25", "x" * 121], "At most 120 characters."),
        (["2099-12-24", "Again"], "The clinic is already closed on 24 Dec 2099."),
    ],
)
def test_a_closure_that_cannot_be_is_refused_and_nothing_written(runner, dbs, args, message):
    with dbs() as session:
        session.add(ClinicClosure(day=datetime(2099, 12, 24).date(), reason="Eve"))
        session.commit()
    result = runner.invoke(args=["closures", "add", *args])
    assert result.exit_code != 0 and message in result.output
    assert len(rows(dbs, ClinicClosure)) == 1


def test_a_rota_set_day_by_day_from_the_clinics_hours(runner, dbs, clinic):
    carter = str(clinic["carter"])
    shown = runner.invoke(args=["rota", "show", carter])
    assert "has no rota: they work the clinic's hours" in shown.output
    result = runner.invoke(args=["rota", "set", carter, "monday", "09:00", "17:00",
                                 "--break", "12:00-13:00"])
    assert result.exit_code == 0, result.output
    assert "James Carter works Mondays 09:00–17:00, break 12:00–13:00." in result.output
    assert runner.invoke(args=["rota", "off", carter, "sunday"]).exit_code == 0
    rota = {r.weekday: (r.starts, r.ends, r.break_starts) for r in rows(dbs, RotaDay)}
    assert sorted(rota) == [0, 1, 2, 3, 4, 5]  # the other days kept the clinic's hours
    assert rota[0] == (time(9), time(17), time(12)) and rota[1] == (time(8), time(18), None)
    assert "12:00–13:00" in runner.invoke(args=["rota", "show", carter]).output
    cleared = runner.invoke(args=["rota", "clear", carter])
    assert cleared.exit_code == 0 and "has no rota now" in cleared.output
    assert rows(dbs, RotaDay) == []


def test_a_day_off_over_a_booking_prints_it_to_rebook(runner, clinic):
    result = runner.invoke(args=["rota", "off", str(clinic["carter"]), clinic["weekday"]])
    assert result.exit_code == 0
    assert f"James Carter does not work on {clinic['weekday'].title()}s." in result.output
    assert "now fall outside working time" in result.output and "Leo" in result.output


def test_the_last_working_day_cannot_be_taken_off(runner, dbs, clinic):
    with dbs() as session:
        session.add(RotaDay(vet_id=clinic["carter"], weekday=0, starts=time(8), ends=time(12)))
        session.commit()
    result = runner.invoke(args=["rota", "off", str(clinic["carter"]), "monday"])
    assert result.exit_code == 1 and "Give at least one working day." in result.output
    assert len(rows(dbs, RotaDay)) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["monday", "17:00", "09:00"], "It must end after it starts (17:00)."),
        (["monday", "09:00", "17:00", "--break", "12:00"], "Write the break as HH:MM-HH:MM."),
        (["monday", "09:00", "17:00", "--break", "16:00-18:00"], "The break must lie inside"),
        (["monday", "09:00", "17:00", "--break", "13:00-12:00"], "The break must end after it starts."),
        (["someday", "09:00", "17:00"], "'someday' is not a weekday"),
    ],
)
def test_a_rota_day_that_cannot_be_is_refused_and_nothing_written(runner, dbs, clinic, args, message):
    result = runner.invoke(args=["rota", "set", str(clinic["carter"]), *args])
    assert result.exit_code != 0 and message in result.output
    assert rows(dbs, RotaDay) == []


def test_an_unknown_vet_is_an_error(runner, dbs):
    for args in (["rota", "show", "999999"], ["rota", "clear", "999999"],
                 ["absences", "add", "999999", "2099-01-01T00:00", "2099-01-02T00:00", "Leave"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 1 and "There is no vet with id 999999" in result.output
    assert rows(dbs, Absence) == []


def test_an_absence_over_a_booking_prints_it_then_lists_and_is_removed(runner, dbs, clinic):
    day = clinic["day"]
    result = runner.invoke(args=["absences", "add", str(clinic["carter"]), f"{day}T00:00",
                                 f"{day + timedelta(days=2)}T00:00", "Conference"])
    assert result.exit_code == 0, result.output
    assert "James Carter is away from" in result.output and "(Conference)" in result.output
    [absence] = rows(dbs, Absence)
    assert absence.ends_at == datetime.combine(day + timedelta(days=2), time.min)
    for args in (["absences", "list"], ["absences", "list", str(clinic["carter"])]):
        listed = runner.invoke(args=args)
        assert "Conference" in listed.output and str(absence.id) in listed.output
    assert runner.invoke(args=["absences", "remove", str(absence.id)]).exit_code == 0
    assert rows(dbs, Absence) == []
    assert runner.invoke(args=["absences", "remove", str(absence.id)]).exit_code == 1


@pytest.mark.parametrize(
    ("span", "message"),
    [
        (("2099-01-02T00:00", "2099-01-01T00:00"), "The absence must end after it starts."),
        (("2001-01-01T00:00", "2001-01-02T00:00"), "That absence is already over"),
        (("2099-01-01T25:00", "2099-01-02T00:00"), "is not a day and time written"),
    ],
)
def test_an_absence_that_cannot_be_is_refused_and_nothing_written(runner, dbs, clinic, span, message):
    result = runner.invoke(args=["absences", "add", str(clinic["carter"]), *span, "Leave"])
    assert result.exit_code != 0 and message in result.output
    assert rows(dbs, Absence) == []


def test_the_demo_clinic_has_working_time_and_no_booking_outside_it(runner, dbs):
    from app.working_time.services import to_rebook

    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    with dbs() as session:
        hours = {row.weekday: row.opens for row in session.scalars(sa.select(OpeningHours))}
        assert hours[6] is None and hours[5] == time(9)
        assert session.scalar(sa.select(sa.func.count(RotaDay.vet_id))) == 7
        assert session.scalar(sa.select(sa.func.count()).select_from(ClinicClosure)) == 1
        assert session.scalar(sa.select(sa.func.count(Absence.id))) == 1
        assert to_rebook() == []
