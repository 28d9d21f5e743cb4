"""`flask appointments day` (the front desk's list) and `flask export appointments`."""

import csv
import io
from datetime import datetime, time, timedelta

import pytest

from app.csv_files import APPOINTMENT_COLUMNS
from app.models import AppointmentStatus
from tests import factories as f


def at(day, hour, minute=0):
    """A wall-clock time on a day."""
    return datetime.combine(day, time(hour, minute))


@pytest.fixture
def clinic(dbs, today):
    """Two vets; George Franklin's cat Leo and Betty Davis's hamster Basil; a few appointments."""
    with dbs() as session:
        carter = f.vet(session, "Carter", "James")
        leary = f.vet(session, "Leary", "Helen", specialties=["radiology"])
        franklin = f.owner(session, telephone="+16085551023")
        davis = f.owner(session, "Davis", "Betty", telephone="+16085551749")
        leo = f.pet(session, franklin, "Leo", "cat")
        basil = f.pet(session, davis, "Basil", "hamster")
        f.appointment(session, leo, carter, at(today, 9), reason="rabies shot")
        f.appointment(session, basil, leary, at(today, 8, 30), minutes=45, reason="x-ray",
                      status=AppointmentStatus.CANCELLED)
        f.appointment(session, basil, carter, at(today, 14), reason="nail trim")
        f.appointment(session, leo, carter, at(today + timedelta(days=1), 9), reason="tomorrow")
        f.appointment(session, leo, leary, at(today - timedelta(days=1), 17), reason="yesterday")
        session.commit()
        return {"carter": carter.id, "leary": leary.id}


def test_the_day_list_shows_todays_appointments_by_vet_then_time(runner, clinic, today):
    result = runner.invoke(args=["appointments", "day"])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"Appointments on {today:%A %d %B %Y}"
    assert lines[2].split() == ["Time", "Vet", "Pet", "Owner", "Phone", "Reason", "Status"]
    assert set(lines[3]) == {"-", " "}
    rows = lines[4:7]
    assert rows[0].split() == ["09:00-09:30", "James", "Carter", "Leo", "(cat)", "George",
                               "Franklin", "(608)", "555-1023", "rabies", "shot", "Scheduled"]
    assert rows[1].startswith("14:00-14:30  James Carter  Basil (hamster)  Betty Davis ")
    assert rows[2].startswith("08:30-09:15  Helen Leary")
    assert rows[2].endswith("x-ray        Cancelled")
    assert lines[-1] == "3 appointments."
    assert "tomorrow" not in result.stdout and "yesterday" not in result.stdout
    # Columns line up under their headings.
    assert {line.index("(608)") for line in rows} == {lines[2].index("Phone")}


def test_the_day_list_for_another_day_and_one_vet(runner, clinic, today):
    tomorrow = today + timedelta(days=1)

    result = runner.invoke(
        args=["appointments", "day", "--date", tomorrow.isoformat(), "--vet", str(clinic["carter"])]
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"Appointments on {tomorrow:%A %d %B %Y}, James Carter"
    assert "tomorrow" in result.stdout and "rabies shot" not in result.stdout
    assert result.stdout.splitlines()[-1] == "1 appointments."


def test_a_day_without_appointments_says_so(runner, clinic, today):
    result = runner.invoke(
        args=["appointments", "day", "--date", (today + timedelta(days=30)).isoformat()]
    )

    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "No appointments."


@pytest.mark.parametrize("bad", ["2024-02-30", "tomorrow", "21/11/2026"])
def test_a_bad_date_is_refused_with_a_clear_message(runner, bad):
    result = runner.invoke(args=["appointments", "day", "--date", bad])

    assert result.exit_code == 2
    assert f"Invalid value for '--date': '{bad}' does not match the format" in result.stderr
    assert "Traceback" not in result.output


def test_an_unknown_vet_is_refused(runner, clinic):
    result = runner.invoke(args=["appointments", "day", "--vet", "999999"])

    assert result.exit_code == 1
    assert "There is no vet with id 999999" in result.stderr


def exported(text):
    """The rows of an appointments CSV export."""
    return list(csv.DictReader(io.StringIO(text)))


def test_export_appointments_writes_every_appointment_by_start(runner, clinic, today):
    result = runner.invoke(args=["export", "appointments"])

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == ",".join(APPOINTMENT_COLUMNS)
    rows = exported(result.stdout)
    assert [row["reason"] for row in rows] == [
        "yesterday", "x-ray", "rabies shot", "nail trim", "tomorrow"
    ]
    xray = rows[1]
    assert xray | {"id": "", "vet_id": "", "pet_id": "", "owner_id": ""} == {
        "id": "", "starts_at": f"{today} 08:30", "ends_at": f"{today} 09:15",
        "duration_minutes": "45", "status": "cancelled", "reason": "x-ray",
        "vet_id": "", "vet": "Helen Leary", "pet_id": "", "pet": "Basil", "pet_type": "hamster",
        "owner_id": "", "owner": "Betty Davis", "telephone": "+16085551749",
    }
    assert xray["vet_id"] == str(clinic["leary"])


def test_export_appointments_between_two_days_includes_both(runner, clinic, today, tmp_path):
    output = tmp_path / "today.csv"

    result = runner.invoke(args=["export", "appointments", "--from", today.isoformat(),
                                 "--to", (today + timedelta(days=1)).isoformat(), "-o", str(output)])

    assert result.exit_code == 0, result.output
    assert "4 rows written to" in result.stderr
    reasons = [row["reason"] for row in exported(output.read_text(encoding="utf-8"))]
    assert reasons == ["x-ray", "rabies shot", "nail trim", "tomorrow"]

    result = runner.invoke(args=["export", "appointments", "--to", today.isoformat()])
    assert [row["reason"] for row in exported(result.stdout)] == [
        "yesterday", "x-ray", "rabies shot", "nail trim"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2024-13-01"], "Invalid value for '--from'"),
        (["--to", "soon"], "Invalid value for '--to'"),
        (["--from", "2024-03-02", "--to", "2024-03-01"], "--to is before --from."),
    ],
)
def test_export_appointments_refuses_bad_dates(runner, tmp_path, args, message):
    output = tmp_path / "out.csv"

    result = runner.invoke(args=["export", "appointments", *args, "-o", str(output)])

    assert result.exit_code == 2
    assert message in result.stderr
    assert not output.exists()
