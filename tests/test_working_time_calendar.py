"""The calendar itself: a vet's bookable windows of a day and why a time is not bookable."""

from datetime import date, datetime, time

import pytest

from app.models import Absence, ClinicClosure, OpeningHours, RotaDay, Vet
from app.working_time.calendar import load_working_time
from tests import factories as f

MONDAY = date(2030, 6, 3)


def at(hour, minute=0, day=MONDAY):
    return datetime.combine(day, time(hour, minute))


@pytest.fixture
def carter(dbs):
    """A vet, committed; the id."""
    with dbs() as session:
        vet = f.vet(session)
        session.commit()
        return vet.id


def working_time(dbs, vet_id, *rows, first=MONDAY, last=MONDAY):
    """Add the rows, then load the vet's working time (inside an app context: a function)."""
    with dbs() as session:
        session.add_all(rows)
        session.commit()

    def read(method, *args):
        with dbs() as session:
            loaded = load_working_time([vet_id], first, last)
            if method == "unavailable":
                return loaded.unavailable(session.get(Vet, vet_id), *args)
            return loaded.windows(vet_id, *args)

    return read


def test_a_vet_without_a_rota_works_the_default_hours_of_a_clinic_that_set_none(dbs, carter):
    read = working_time(dbs, carter)
    assert read("windows", MONDAY) == [(at(8), at(18))]
    assert read("unavailable", at(17, 30), at(18)) is None
    assert read("unavailable", at(17, 45), at(18, 15)).rule == "clinic_hours"


def test_a_vet_without_a_rota_works_the_clinics_own_hours(dbs, carter):
    read = working_time(dbs, carter, *(OpeningHours(weekday=d, opens=time(9), closes=time(12))
                                       for d in range(6)), OpeningHours(weekday=6))
    assert read("windows", MONDAY) == [(at(9), at(12))]
    assert read("windows", date(2030, 6, 9)) == []  # a Sunday: closed
    assert read("unavailable", at(8, 30), at(9)).rule == "clinic_hours"


def test_a_break_splits_the_shift_and_the_clinics_hours_bound_it(dbs, carter):
    read = working_time(dbs, carter, RotaDay(vet_id=carter, weekday=0, starts=time(7),
                                             ends=time(17), break_starts=time(12),
                                             break_ends=time(13)))
    assert read("windows", MONDAY) == [(at(8), at(12)), (at(13), at(17))]
    assert read("unavailable", at(12, 30), at(13)).rule == "break"
    assert read("unavailable", at(11, 45), at(12, 15)).rule == "break"
    assert read("unavailable", at(11, 30), at(12)) is None
    assert read("unavailable", at(16, 45), at(17, 15)).rule == "vet_hours"


def test_an_absence_in_the_middle_of_a_shift_splits_it(dbs, carter):
    read = working_time(dbs, carter,
                        RotaDay(vet_id=carter, weekday=0, starts=time(8), ends=time(17)),
                        Absence(vet_id=carter, starts_at=at(10), ends_at=at(11, 30), reason="Dentist"))
    assert read("windows", MONDAY) == [(at(8), at(10)), (at(11, 30), at(17))]
    refusal = read("unavailable", at(11), at(11, 30))
    assert refusal.rule == "absence" and "(Dentist)" in refusal.message
    assert read("unavailable", at(9, 30), at(10)) is None


def test_an_absence_over_several_days_empties_the_days_between(dbs, carter):
    read = working_time(dbs, carter,
                        Absence(vet_id=carter, starts_at=at(12, day=date(2030, 6, 2)),
                                ends_at=at(12, day=date(2030, 6, 4)), reason="Conference"),
                        first=date(2030, 6, 2), last=date(2030, 6, 4))
    assert read("windows", MONDAY) == []
    assert read("windows", date(2030, 6, 4)) == [(at(12, day=date(2030, 6, 4)), at(18, day=date(2030, 6, 4)))]


def test_a_day_off_and_a_closure_have_no_windows_and_the_closure_is_named_first(dbs, carter):
    read = working_time(dbs, carter,
                        RotaDay(vet_id=carter, weekday=1, starts=time(8), ends=time(17)),
                        ClinicClosure(day=MONDAY, reason="Holiday"))
    assert read("windows", MONDAY) == []
    assert read("unavailable", at(10), at(10, 30)).rule == "closure"


def test_a_rota_day_off_is_named_as_such(dbs, carter):
    read = working_time(dbs, carter, RotaDay(vet_id=carter, weekday=1, starts=time(8), ends=time(17)))
    assert read("windows", MONDAY) == []
    refusal = read("unavailable", at(10), at(10, 30))
    assert refusal.rule == "day_off" and refusal.message == "James Carter does not work on Mondays."
