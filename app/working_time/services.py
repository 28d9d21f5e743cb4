"""Changing working time (clinic hours, closures, rotas, absences) and what a change leaves.

The pages and the `flask` commands call these, after the same checks (the ``*_problem``
functions below, which the forms use too), so no CHECK constraint of the tables is ever the
first to say no. Each write first locks the vets it concerns (every vet for a change to the
whole clinic) in id order, as a booking does (app.appointments.services.lock_rows): a
booking and a change of working time that cross are serialised, so the booking either sees
the change and is refused, or is committed first and listed by ``to_rebook``.
"""

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.clinic import clinic_now, clinic_today
from app.extensions import db
from app.i18n import _, day, weekday_name
from app.models import (
    Absence,
    Appointment,
    AppointmentStatus,
    ClinicClosure,
    OpeningHours,
    Pet,
    RotaDay,
    Vet,
)
from app.validation import FieldRefusal
from app.working_time.calendar import clinic_hours, hhmm, load_working_time


class WorkingTimeRefused(FieldRefusal):
    """A change of working time breaks a rule; ``field`` names the form field to blame."""


def hours_problem(opens, closes):
    """Why an opening (or a shift) from ``opens`` to ``closes`` cannot be, or None."""
    if opens is None or closes is None:
        return _("Give both times, or mark the day closed.")
    if closes <= opens:
        return _("It must end after it starts (%(starts)s).", starts=hhmm(opens))
    return None


def shift_problem(starts, ends, break_starts=None, break_ends=None):
    """(message, field) of what is wrong with a rota day, or None."""
    problem = hours_problem(starts, ends)
    if problem:
        return problem, "ends" if starts is not None and ends is not None else "starts"
    if (break_starts is None) != (break_ends is None):
        return _("Give the break's start and end, or neither."), "break_starts"
    if break_starts is None:
        return None
    if break_ends <= break_starts:
        return _("The break must end after it starts."), "break_ends"
    if not starts < break_starts or not break_ends < ends:
        return (
            _("The break must lie inside the hours (%(starts)s–%(ends)s), not at their very "
              "start or end.", starts=hhmm(starts), ends=hhmm(ends)),
            "break_starts",
        )
    return None


def absence_problem(starts_at, ends_at):
    """(message, field) of what is wrong with an absence's span, or None."""
    if ends_at <= starts_at:
        return _("The absence must end after it starts."), "ends_date"
    if ends_at <= clinic_now():
        return _("That absence is already over: there is nothing to plan around."), "ends_date"
    return None


def closure_problem(closed_on):
    """Why the clinic cannot be closed on ``closed_on``, or None."""
    if closed_on < clinic_today():
        return _("That day has passed.")
    if db.session.get(ClinicClosure, closed_on) is not None:
        return _("The clinic is already closed on %(day)s.", day=day(closed_on))
    return None


def lock_vets(vet_ids=None):
    """Lock these vets' rows (every vet when None), in id order, for the transaction."""
    query = sa.select(Vet.id).order_by(Vet.id).with_for_update()
    if vet_ids is not None:
        query = query.where(Vet.id.in_(vet_ids))
    db.session.execute(query).all()


def set_clinic_hours(hours):
    """Save the clinic's week, {weekday: (opens, closes) or None}, as all seven rows."""
    lock_vets()
    rows = {row.weekday: row for row in db.session.scalars(sa.select(OpeningHours))}
    for weekday in range(7):
        opens, closes = hours.get(weekday) or (None, None)
        if (problem := opens is not None and hours_problem(opens, closes)):
            raise WorkingTimeRefused(_("%(weekday)s: %(problem)s", weekday=weekday_name(weekday),
                                       problem=problem))
        row = rows.get(weekday)
        if row is None:
            db.session.add(OpeningHours(weekday=weekday, opens=opens, closes=closes))
        elif (row.opens, row.closes) != (opens, closes):
            row.opens, row.closes = opens, closes
    db.session.flush()


def set_clinic_day(weekday, opening):
    """Change one weekday's hours; the other days keep theirs (the defaults, if never set)."""
    hours = clinic_hours()
    hours[weekday] = opening
    set_clinic_hours(hours)


def add_closure(closed_on, reason):
    """Close the clinic on ``closed_on``; WorkingTimeRefused if that cannot be."""
    lock_vets()
    if problem := closure_problem(closed_on):
        raise WorkingTimeRefused(problem, field="day")
    closure = ClinicClosure(day=closed_on, reason=reason)
    try:
        with db.session.begin_nested():
            db.session.add(closure)
    except IntegrityError:  # another desk closed the same day first (no vets to lock)
        raise WorkingTimeRefused(
            _("The clinic is already closed on %(day)s.", day=day(closed_on)), field="day"
        ) from None
    return closure


def remove_closure(day):
    """Open the clinic again on ``day``; the closure removed, or None if there was none."""
    closure = db.session.get(ClinicClosure, day)
    if closure is not None:
        db.session.delete(closure)
        db.session.flush()
    return closure


def vet_week(vet_id):
    """{weekday: RotaDay} of a vet's rota; empty for a vet without one (clinic hours)."""
    rows = db.session.scalars(sa.select(RotaDay).where(RotaDay.vet_id == vet_id))
    return {row.weekday: row for row in rows}


def effective_week(vet_id):
    """{weekday: (starts, ends, break_starts, break_ends) or None}: the rota, or clinic hours."""
    rota = vet_week(vet_id)
    if rota:
        return {
            day: (row.starts, row.ends, row.break_starts, row.break_ends) if (row := rota.get(day))
            else None
            for day in range(7)
        }
    return {day: (*opening, None, None) if opening else None
            for day, opening in clinic_hours().items()}


def set_rota(vet, week):
    """Save a vet's weekly rota, {weekday: (starts, ends, break_starts, break_ends) or None}."""
    lock_vets([vet.id])
    if not any(week.values()):
        raise WorkingTimeRefused(
            _("Give at least one working day. A vet without a rota works the clinic's hours: "
              "choose that instead, or record an absence."),
            field="days",
        )
    for weekday, shift in week.items():
        if shift and (problem := shift_problem(*shift)):
            raise WorkingTimeRefused(_("%(weekday)s: %(problem)s", weekday=weekday_name(weekday),
                                       problem=problem[0]), field="days")
    rows = vet_week(vet.id)
    for weekday in range(7):
        shift, row = week.get(weekday), rows.get(weekday)
        if shift is None:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(RotaDay(vet_id=vet.id, weekday=weekday, starts=shift[0],
                                   ends=shift[1], break_starts=shift[2], break_ends=shift[3]))
        elif (row.starts, row.ends, row.break_starts, row.break_ends) != tuple(shift):
            row.starts, row.ends, row.break_starts, row.break_ends = shift
    db.session.flush()


def set_rota_day(vet, weekday, shift):
    """Change one day of a vet's week (None: a day off); the other days stay as they were."""
    lock_vets([vet.id])
    week = effective_week(vet.id)
    week[weekday] = shift
    set_rota(vet, week)


def clear_rota(vet):
    """Remove a vet's rota: they work whenever the clinic is open. How many days it had."""
    lock_vets([vet.id])
    rows = list(vet_week(vet.id).values())
    for row in rows:
        db.session.delete(row)
    db.session.flush()
    return len(rows)


def add_absence(vet, starts_at, ends_at, reason):
    """Record that ``vet`` is away from starts_at up to ends_at."""
    lock_vets([vet.id])
    if problem := absence_problem(starts_at, ends_at):
        raise WorkingTimeRefused(*problem)
    absence = Absence(vet_id=vet.id, starts_at=starts_at, ends_at=ends_at, reason=reason)
    db.session.add(absence)
    db.session.flush()
    return absence


def remove_absence(absence):
    """Delete an absence: the vet can be booked in that time again."""
    db.session.delete(absence)
    db.session.flush()


def absences_of(vet_ids=None, upcoming=True):
    """Absences (with their vet), those not yet over unless ``upcoming`` is False, by start."""
    query = sa.select(Absence).options(joinedload(Absence.vet)).order_by(Absence.starts_at)
    if vet_ids is not None:
        query = query.where(Absence.vet_id.in_(vet_ids))
    if upcoming:
        query = query.where(Absence.ends_at > clinic_now())
    return db.session.scalars(query).all()


def to_rebook(vet_ids=None, first_day=None, last_day=None):
    """Scheduled appointments still to come that working time now refuses.

    [(appointment, Unavailable)] with pet, owner and vet loaded, by time, in five
    statements whatever their number: the appointments, then their vets' working time.
    """
    query = (
        sa.select(Appointment)
        .options(joinedload(Appointment.pet).joinedload(Pet.owner), joinedload(Appointment.vet))
        .where(Appointment.status == AppointmentStatus.SCHEDULED,
               Appointment.ends_at > clinic_now())
        .order_by(Appointment.starts_at, Appointment.id)
    )
    if vet_ids is not None:
        query = query.where(Appointment.vet_id.in_(vet_ids))
    if first_day is not None:
        query = query.where(Appointment.starts_at >= datetime.combine(first_day, time.min))
    if last_day is not None and last_day < datetime.max.date():
        end = datetime.combine(last_day, time.min) + timedelta(days=1)
        query = query.where(Appointment.starts_at < end)
    appointments = db.session.scalars(query).all()
    if not appointments:
        return []
    working_time = load_working_time(
        {a.vet_id for a in appointments},
        appointments[0].starts_at.date(),
        appointments[-1].starts_at.date(),
    )
    return [
        (appointment, why)
        for appointment in appointments
        if (why := working_time.unavailable(appointment.vet, appointment.starts_at,
                                            appointment.ends_at))
    ]
