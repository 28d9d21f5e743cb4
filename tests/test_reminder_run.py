"""`flask reminders queue`: appointment reminders and staged vaccination reminders, each
queued once, even by two runs at the same moment."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.clinic import clinic_now
from app.extensions import db
from app.messages.appointments import as_it_was, moved
from app.messages.reminder_run import stage_on
from app.models import (
    Appointment,
    AppointmentNotice,
    AppointmentStatus,
    DismissalReason,
    Message,
    MessageKind,
    MessageStatus,
    Owner,
    Pet,
    ReminderContact,
    VaccinationNotice,
    VaccineType,
    Vet,
)
from app.reminders.services import dismiss_reminder
from tests import factories as f
from tests.concurrency import run_at_once

CONSENTING = {"email": "jean@example.com", "email_consent": True}


def run(runner, *args):
    """`flask reminders queue` with ``args``; its output (the command must succeed)."""
    result = runner.invoke(args=["reminders", "queue", *args])
    assert result.exit_code == 0, result.output
    return result.output


def messages(dbs, kind=None):
    with dbs() as session:
        query = sa.select(Message).order_by(Message.id)
        if kind is not None:
            query = query.where(Message.kind == kind)
        return session.scalars(query).all()


def soon(hours):
    """A clinic wall-clock time ``hours`` from now, on the minute."""
    return (clinic_now() + timedelta(hours=hours)).replace(second=0)


# --- appointment reminders ------------------------------------------------------------------


@pytest.fixture
def schedule(dbs):
    """Leo (owner with an email), Rex (owner without); appointments near and far; ids."""
    with dbs() as session:
        jean = f.owner(session, first_name="Jean", last_name="Coleman", email="jean@example.com")
        leo = f.pet(session, jean, name="Leo")
        silent = f.owner(session, last_name="Davis", telephone="+16085551749")
        rex = f.pet(session, silent, name="Rex", kind="dog")
        carter, leary = f.vet(session), f.vet(session, first_name="Helen", last_name="Leary")
        near = f.appointment(session, leo, carter, starts_at=soon(2))
        far = f.appointment(session, leo, carter, starts_at=soon(30))
        gone = f.appointment(session, leo, leary, starts_at=soon(3),
                             status=AppointmentStatus.CANCELLED)
        past = f.appointment(session, leo, leary, starts_at=soon(-1))
        no_email = f.appointment(session, rex, leary, starts_at=soon(4))
        session.commit()
        return {"near": near.id, "far": far.id, "gone": gone.id, "past": past.id,
                "no_email": no_email.id, "carter": carter.id}


def test_the_run_reminds_of_scheduled_appointments_in_the_next_24_hours(runner, dbs, schedule):
    output = run(runner)
    [reminder] = messages(dbs)
    assert (reminder.kind, reminder.appointment_id, reminder.queued_by, reminder.to_address) == (
        MessageKind.APPOINTMENT_REMINDER, schedule["near"], "reminders", "jean@example.com")
    assert reminder.subject.startswith("Reminder: Leo's appointment on ")
    assert "appointment reminders queued: 1 (1 owners without an email address)" in output


def test_a_second_run_queues_nothing_new(runner, dbs, schedule):
    run(runner)
    output = run(runner)
    assert len(messages(dbs)) == 1
    assert "appointment reminders queued: 0" in output


def test_a_moved_appointment_gets_a_reminder_for_its_new_time(runner, dbs, schedule):
    run(runner)
    with dbs() as session:  # what the reschedule service does after moving it
        appointment = session.get(Appointment, schedule["near"])
        vet = session.get(Vet, appointment.vet_id)
        previous = as_it_was(appointment, vet)
        new_time = soon(5)
        appointment.schedule(new_time, 30)
        session.flush()
        moved(appointment, vet, previous)
        session.commit()
    run(runner)
    old, notice, new = messages(dbs)
    assert old.status is MessageStatus.CANCELLED and notice.kind is MessageKind.RESCHEDULED
    assert (new.kind, new.status, new.appointment_id) == (
        MessageKind.APPOINTMENT_REMINDER, MessageStatus.PENDING, schedule["near"])
    assert f"at {new_time:%H:%M}" in new.subject
    with dbs() as session:
        assert session.scalars(sa.select(AppointmentNotice.starts_at)).all() == [new_time]


def test_a_date_that_has_passed_is_refused(runner, today):
    result = runner.invoke(args=["reminders", "queue", "--date",
                                 (today - timedelta(days=1)).isoformat()])
    assert result.exit_code == 2 and "has passed" in result.output


def test_an_unreadable_date_is_refused(runner):
    result = runner.invoke(args=["reminders", "queue", "--date", "tomorrow"])
    assert result.exit_code == 2 and "'tomorrow' does not match the format" in result.output


# --- vaccination reminders ------------------------------------------------------------------


@pytest.fixture
def doses(dbs, today):
    """Jean (consenting): Leo's rabies due in 10 days, Max's FVRCP 20 days overdue, Leo's
    FeLV due in 30; Ann (no consent) with Bella due in 5. Ids."""
    with dbs() as session:
        jean = f.owner(session, first_name="Jean", last_name="Coleman", **CONSENTING)
        leo, max_ = f.pet(session, jean, name="Leo"), f.pet(session, jean, name="Max")
        ann = f.owner(session, first_name="Ann", last_name="Baker", email="ann@example.com",
                      telephone="+16085551111")
        bella = f.pet(session, ann, name="Bella")
        rabies, fvrcp = f.vaccine_type(session, "Rabies"), f.vaccine_type(session, "FVRCP")
        felv = f.vaccine_type(session, "FeLV")
        year_ago = today - timedelta(days=365)
        f.vaccination(session, leo, rabies, year_ago, next_due_on=today + timedelta(days=10))
        f.vaccination(session, max_, fvrcp, year_ago, next_due_on=today - timedelta(days=20))
        f.vaccination(session, leo, felv, year_ago, next_due_on=today + timedelta(days=30))
        f.vaccination(session, bella, rabies, year_ago, next_due_on=today + timedelta(days=5))
        session.commit()
        return {"jean": jean.id, "ann": ann.id, "leo": leo.id, "max": max_.id, "bella": bella.id,
                "rabies": rabies.id, "fvrcp": fvrcp.id, "felv": felv.id}


def stages(dbs):
    """(pet, vaccine type, stage) of every notice, in order."""
    with dbs() as session:
        return sorted(tuple(row) for row in session.execute(sa.select(
            VaccinationNotice.pet_id, VaccinationNotice.vaccine_type_id, VaccinationNotice.stage)))


def test_one_message_per_owner_lists_every_pet_due_at_this_stage(runner, dbs, doses, today):
    output = run(runner)
    [message] = messages(dbs)
    assert (message.kind, message.owner_id, message.appointment_id) == (
        MessageKind.VACCINATION_REMINDER, doses["jean"], None)
    assert message.subject == "Vaccinations overdue: Leo, Max"
    due = today + timedelta(days=10)
    assert f"- Leo: Rabies, due on {due.day} {due:%B %Y}" in message.body_text
    assert "- Max: FVRCP, overdue since" in message.body_text
    assert "FeLV" not in message.body_text  # due in 30 days: not yet
    assert "/unsubscribe/" in message.body_text and "/unsubscribe/" in message.body_html
    assert stages(dbs) == sorted([(doses["leo"], doses["rabies"], 0),
                                  (doses["max"], doses["fvrcp"], 1)])
    assert ("vaccination reminders queued: 1, listing 2 vaccinations "
            "(1 owners without an email address or consent)") in output


def test_an_owner_without_consent_is_skipped_and_reminded_once_they_agree(runner, dbs, doses):
    run(runner)
    assert doses["ann"] not in {m.owner_id for m in messages(dbs)}
    assert doses["bella"] not in {pet for pet, _, _ in stages(dbs)}  # nothing recorded
    with dbs() as session:
        assert session.get(ReminderContact, doses["ann"]) is None
        session.get(Owner, doses["ann"]).email_consent = True
        session.commit()
    run(runner)
    assert [m.owner_id for m in messages(dbs)] == [doses["jean"], doses["ann"]]


def test_the_due_list_shows_when_the_owner_was_last_sent_one(runner, dbs, doses, client):
    run(runner)
    with dbs() as session:
        assert session.get(ReminderContact, doses["jean"]).last_sent_at is not None
    page = client.get("/reminders").get_data(as_text=True)
    assert "<td>Never</td>" in page.split("Baker")[1].split("</tr>")[0]
    assert "<td>Never</td>" not in page.split("Coleman")[1].split("</tr>")[0]


def test_each_stage_is_sent_once_then_the_next_after_its_spacing(runner, dbs, doses, today):
    run(runner)
    assert len(messages(dbs)) == 1
    run(runner, "--date", (today + timedelta(days=5)).isoformat())
    assert len(messages(dbs)) == 1  # nothing reached a new stage
    run(runner, "--date", (today + timedelta(days=8)).isoformat())  # Max: 28 days overdue
    second = messages(dbs)[-1]
    assert "Max" in second.body_text and "Leo" not in second.body_text
    run(runner, "--date", (today + timedelta(days=24)).isoformat())  # Leo: 14 days overdue
    third = messages(dbs)[-1]
    assert "Leo: Rabies" in third.body_text and "Max" not in third.body_text
    run(runner, "--date", (today + timedelta(days=400)).isoformat())  # Leo's 2nd overdue
    run(runner, "--date", (today + timedelta(days=800)).isoformat())  # all stages sent
    jeans = [m for m in messages(dbs) if m.owner_id == doses["jean"]]
    assert (doses["max"], doses["fvrcp"], 2) in stages(dbs)
    assert [s for p, t, s in stages(dbs) if (p, t) == (doses["leo"], doses["rabies"])] == [0, 1, 2]
    # FeLV (due in 30 days) joined Leo's third message at stage 0 and his fourth at stage 2:
    # a stage missed between two runs is not sent late, the one reached is.
    assert len(jeans) == 4
    assert [s for p, t, s in stages(dbs) if t == doses["felv"]] == [0, 2]


@pytest.mark.parametrize(("overdue_days", "stage"), [
    (-15, None), (-14, 0), (0, 0), (13, 0), (14, 1), (27, 1), (28, 2), (500, 2)])
def test_the_stages_follow_the_settings(app, today, overdue_days, stage):
    with app.app_context():
        assert stage_on(today - timedelta(days=overdue_days), today) == stage


def test_a_completed_reminder_is_never_sent(runner, dbs, doses, today):
    with dbs() as session:
        max_, vaccine = session.get(Pet, doses["max"]), session.get(VaccineType, doses["fvrcp"])
        f.vaccination(session, max_, vaccine, today - timedelta(days=1))  # a later dose
        session.commit()
    run(runner)
    [message] = messages(dbs)
    assert "Max" not in message.body_text and "Leo: Rabies" in message.body_text


def test_a_dismissed_reminder_is_never_sent(runner, dbs, doses, today):
    with dbs() as session:
        dismiss_reminder(doses["max"], doses["fvrcp"], today - timedelta(days=20),
                         DismissalReason.MOVED_AWAY)
        session.commit()
    run(runner)
    [message] = messages(dbs)
    assert "Max" not in message.body_text


# --- two runs at once -----------------------------------------------------------------------


def both_read_before_either_writes(count):
    """A flush hook holding each run's first message until every run has read (or 2 s pass).

    On PostgreSQL both runs then find no notice and race to insert one; SQLite lets one
    writer in at a time, so the barrier gives up and the second run starts after the first.
    """
    barrier, held = threading.Barrier(count), threading.local()

    def hold(session, flush_context, instances):
        if not getattr(held, "done", False) and any(isinstance(o, Message) for o in session.new):
            held.done = True
            try:
                barrier.wait(timeout=2)
            except threading.BrokenBarrierError:
                pass

    return hold


@pytest.mark.parametrize("part", ["appointments", "vaccinations"])
def test_two_runs_at_once_queue_each_reminder_once(committing, today, part):
    app = committing
    with app.app_context():
        owners = [f.owner(db.session, last_name=f"Racer{i}", email=f"racer{i}@example.com",
                          email_consent=True) for i in range(3)]
        vet = f.vet(db.session)
        rabies = f.vaccine_type(db.session, "Rabies")
        for i, owner in enumerate(owners):
            pet = f.pet(db.session, owner, name=f"Pet{i}")
            if part == "appointments":
                f.appointment(db.session, pet, vet, starts_at=soon(2 + i))
            else:
                f.vaccination(db.session, pet, rabies, today - timedelta(days=300),
                              next_due_on=today + timedelta(days=3))
        db.session.commit()
        db.session.remove()
    hook = both_read_before_either_writes(2)
    sa.event.listen(Session, "before_flush", hook)
    try:
        outputs = run_at_once(
            lambda i: app.test_cli_runner().invoke(args=["reminders", "queue"]), 2)
    finally:
        sa.event.remove(Session, "before_flush", hook)
    assert [result.exit_code for result in outputs] == [0, 0], [r.output for r in outputs]
    with app.app_context():
        owners_messaged = db.session.scalars(sa.select(Message.owner_id)).all()
        notices = (AppointmentNotice if part == "appointments" else VaccinationNotice)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(notices)) == 3
        db.session.remove()
    assert sorted(owners_messaged) == sorted({*owners_messaged}) and len(owners_messaged) == 3
