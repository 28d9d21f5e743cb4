"""The next free slots: where a pet can be booked, soonest first, under every booking rule.

The search walks forward from a moment, a block of days at a time. For each block it reads
the vets' working time (app.working_time.calendar: the same rules bookings are checked
against) and the appointments that hold a slot for those vets or the pet, as bare columns in
one query; then it tries every start on the clinic's slot grid (SLOT_MINUTES from midnight)
inside each working window. Its statements grow with the days walked, in blocks that double
in length, never with the appointments or the candidates tried.
"""

from collections import defaultdict
from datetime import datetime, time, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app

from app.clinic import clinic_now
from app.extensions import db
from app.models import Appointment, Specialty, Vet
from app.models.appointment import HOLDS_SLOT, MAX_DURATION
from app.working_time.calendar import load_working_time

FIRST_BLOCK_DAYS = 7
LONGEST_BLOCK_DAYS = 56


class FreeSlot(NamedTuple):
    """A start at which ``vet`` is free for the requested length."""

    starts_at: datetime
    ends_at: datetime
    vet: Vet


def candidate_vets(vet_id=None, specialty_id=None):
    """Vets taking bookings, by name: one (if asked) and only those with the specialty (if any)."""
    query = sa.select(Vet).where(Vet.active).order_by(Vet.last_name, Vet.first_name, Vet.id)
    if vet_id is not None:
        query = query.where(Vet.id == vet_id)
    if specialty_id is not None:
        query = query.where(Vet.specialties.any(Specialty.id == specialty_id))
    return db.session.scalars(query).all()


def first_start(moment, step):
    """The first start on the slot grid at or after ``moment``."""
    midnight = datetime.combine(moment.date(), time.min)
    minutes = -(-(moment - midnight) // timedelta(minutes=step))  # rounded up
    return midnight + minutes * timedelta(minutes=step)


def busy_periods(vet_ids, pet_id, first_day, last_day):
    """{(vet_id or "pet", day): [(start, end)]} of the slots held over the days, in one query."""
    start = datetime.combine(first_day, time.min) - timedelta(minutes=MAX_DURATION)
    end = datetime.combine(last_day, time.min) + timedelta(days=1)
    whose = Appointment.vet_id.in_(vet_ids)
    if pet_id is not None:
        whose = sa.or_(whose, Appointment.pet_id == pet_id)
    rows = db.session.execute(
        sa.select(Appointment.vet_id, Appointment.pet_id, Appointment.starts_at, Appointment.ends_at)
        .where(whose, Appointment.status.in_(HOLDS_SLOT))
        .where(Appointment.starts_at >= start, Appointment.starts_at < end)
    )
    busy = defaultdict(list)
    for vet_id, row_pet_id, starts_at, ends_at in rows:
        # Filed under each day it touches (one, unless it runs past midnight).
        for day in {starts_at.date(), (ends_at - timedelta(microseconds=1)).date()}:
            busy[vet_id, day].append((starts_at, ends_at))
            if row_pet_id == pet_id:
                busy["pet", day].append((starts_at, ends_at))
    return busy


def window_slots(window_start, window_end, taken, duration, step):
    """The grid starts in a working window at which nothing ``taken`` overlaps the slot.

    After a clash the next try is the first grid start after the clashing period, so a full
    day costs a try per appointment, not one per grid step.
    """
    starts_at = first_start(window_start, step)
    while starts_at + duration <= window_end:
        ends_at = starts_at + duration
        clash = next((end for start, end in taken if start < ends_at and end > starts_at), None)
        if clash is None:
            yield starts_at
            starts_at += timedelta(minutes=step)
        else:
            starts_at = first_start(clash, step)


def free_on(day, vets, working, busy, duration, not_before, step):
    """Every free slot of ``day`` for these vets, by start and then by the vets' order."""
    found = []
    pet_today = busy.get(("pet", day), [])
    for rank, vet in enumerate(vets):
        taken = sorted(busy.get((vet.id, day), []) + pet_today)
        for window_start, window_end in working.windows(vet.id, day):
            if window_end <= not_before:
                continue
            for starts_at in window_slots(
                max(window_start, not_before), window_end, taken, duration, step
            ):
                found.append((starts_at, rank, FreeSlot(starts_at, starts_at + duration, vet)))
    return [slot for *_, slot in sorted(found, key=lambda item: item[:2])]


def next_free_slots(vets, minutes, start, pet_id=None, count=10):
    """The first ``count`` free slots of ``minutes`` for any of ``vets`` from ``start``.

    Never in the past and never past the booking horizon; the pet's own appointments count
    as busy too. ``vets`` is a list in the order ties are broken (candidate_vets).
    """
    if not vets:
        return []
    step = current_app.config["SLOT_MINUTES"]
    now = clinic_now()
    horizon = now.date() + timedelta(days=current_app.config["BOOKING_HORIZON_DAYS"])
    not_before = max(start, now + timedelta(seconds=1))  # a booking must start after now
    duration = timedelta(minutes=minutes)
    vet_ids = [vet.id for vet in vets]
    slots, first, block = [], not_before.date(), FIRST_BLOCK_DAYS
    while first <= horizon and len(slots) < count:
        last = min(first + timedelta(days=block - 1), horizon)
        working = load_working_time(vet_ids, first, last)
        busy = busy_periods(vet_ids, pet_id, first, last)
        day = first
        while day <= last and len(slots) < count:
            slots += free_on(day, vets, working, busy, duration, not_before, step)
            day += timedelta(days=1)
        first, block = last + timedelta(days=1), min(block * 2, LONGEST_BLOCK_DAYS)
    return slots[:count]
