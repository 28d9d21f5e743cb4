"""The grid itself: rows of slots, one column per vet (or day), and what fills each cell.

Everything here works on what the view has already loaded (vets, appointments, the working
time): no query is sent, so the page's statements do not grow with the cells. Why a slot is
not free comes from ``WorkingTime.unavailable()``, the rule bookings are checked against.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from app.i18n import _
from app.models.appointment import MIN_DURATION
from app.working_time.calendar import RULE_LABELS

COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def swatch(appointment_type):
    """The type's colour for its SVG swatch, if it is a well-formed #rrggbb (else none)."""
    colour = appointment_type.colour
    return colour if colour and COLOUR.fullmatch(colour) else None


@dataclass
class Column:
    """One column of the grid: a vet on a day."""

    vet: object
    day: date
    focus: bool = False  # the one column a phone shows
    appointments: list = field(default_factory=list)


@dataclass
class Block:
    """Appointments drawn as one cell (more than one only when their rows overlap)."""

    appointments: list
    rowspan: int
    kind: str = "block"


@dataclass
class Off:
    """Slots that cannot be booked, and the rule that says why."""

    rule: str
    message: str
    rowspan: int = 1
    kind: str = "off"

    @property
    def label(self):
        """The rule as the grid names it: Clinic closed, Not working, Break, Away..."""
        return RULE_LABELS.get(self.rule) or self.rule.replace("_", " ").capitalize()


@dataclass
class Free:
    """A free slot: bookable from ``starts_at`` for ``minutes`` (the free time there, capped)."""

    starts_at: datetime
    minutes: int
    past: bool = False
    rowspan: int = 1
    kind: str = "free"


@dataclass
class Row:
    """One slot's row: its time of day and each column's cell (None under a cell above)."""

    time: time
    cells: list


def floor_minutes(moment, slot):
    """Minutes from midnight to ``moment``'s time, rounded down to a whole slot."""
    minutes = moment.hour * 60 + moment.minute
    return minutes - minutes % slot


def row_span(working_time, columns, slot, default_hours):
    """(first, last) minutes from midnight that the rows cover, in whole slots.

    From the earliest opening to the latest closing of the days shown (the clinic's default
    hours, shaded, when all of them are closed), widened to every appointment drawn (one booked before
    the hours changed still shows).
    """
    openings = [working_time.opening(column.day) for column in columns]
    openings = [opening for opening in openings if opening is not None] or [default_hours]
    starts, ends = [opens for opens, _ in openings], [closes for _, closes in openings]
    for column in columns:
        for appointment in column.appointments:
            starts.append(appointment.starts_at.time())
            midnight = datetime.combine(appointment.starts_at.date(), time.min)
            ends.append(min(appointment.ends_at - midnight, timedelta(days=1)))
    first = min(floor_minutes(start, slot) for start in starts)
    last = max(_minutes(end) for end in ends)
    last = -(-last // slot) * slot  # up to a whole slot
    return first, max(last, first + slot)


def _minutes(end):
    """A closing time (a time, or a timedelta up to a whole day) as minutes from midnight."""
    if isinstance(end, timedelta):
        return int(end.total_seconds() // 60) + (1 if end.total_seconds() % 60 else 0)
    return end.hour * 60 + end.minute + (1 if end.second else 0)


def blocks_of(column, first, slot, rows):
    """{row: Block} of a column: appointments whose rows overlap share one cell."""
    spans = []
    for appointment in sorted(column.appointments, key=lambda a: (a.starts_at, a.id)):
        midnight = datetime.combine(column.day, time.min)
        start = int((appointment.starts_at - midnight).total_seconds() // 60)
        end = -(-int((appointment.ends_at - midnight).total_seconds()) // 60)
        top = max(0, (start - first) // slot)
        bottom = min(rows, max(top + 1, -(-(end - first) // slot)))
        if spans and top < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], bottom)
            spans[-1][2].append(appointment)
        else:
            spans.append([top, bottom, [appointment]])
    return {top: Block(group, bottom - top) for top, bottom, group in spans}


def column_cells(column, working_time, first, slot, rows, now, longest):
    """The cells of one column, top to bottom (None under a cell that spans rows)."""
    cells = [None] * rows
    covered = [False] * rows
    for top, block in blocks_of(column, first, slot, rows).items():
        cells[top] = block
        for row in range(top + 1, top + block.rowspan):
            covered[row] = True
        covered[top] = True
    midnight = datetime.combine(column.day, time.min)
    starts = [midnight + timedelta(minutes=first + n * slot) for n in range(rows)]
    reasons = [
        None if covered[n] else unavailable_for(working_time, column.vet, starts[n], slot)
        for n in range(rows)
    ]
    row = 0
    while row < rows:
        if covered[row]:
            row += 1
            continue
        reason = reasons[row]
        if reason is None:
            cells[row] = Free(starts[row], 0, past=starts[row] < now)
            row += 1
            continue
        end = row + 1
        while end < rows and not covered[end] and reasons[end] == reason:
            end += 1
        cells[row] = Off(reason.rule, reason.message, end - row)
        row = end
    _set_free_minutes(cells, slot, longest)
    return cells


def unavailable_for(working_time, vet, starts_at, slot):
    """Why the vet's slot from ``starts_at`` cannot be booked, or None when it can."""
    if not vet.active:
        return _Reason("inactive", _("%(vet)s no longer takes bookings.", vet=vet.full_name))
    return working_time.unavailable(vet, starts_at, starts_at + timedelta(minutes=slot))


@dataclass(frozen=True)
class _Reason:
    """A refusal of the grid's own (an inactive vet), shaped like calendar.Unavailable."""

    rule: str
    message: str


def _set_free_minutes(cells, slot, longest):
    """Give each free cell the free time from it to the next taken slot, up to ``longest``."""
    run = 0
    for cell in reversed(cells):
        if isinstance(cell, Free):
            run += slot
            cell.minutes = max(MIN_DURATION, min(run, longest))
        elif cell is not None:
            run = 0


def build_rows(columns, working_time, slot, now, longest, default_hours):
    """The grid's rows: each slot's time and the cell of every column that starts there."""
    first, last = row_span(working_time, columns, slot, default_hours)
    count = (last - first) // slot
    by_column = [
        column_cells(column, working_time, first, slot, count, now, longest) for column in columns
    ]
    return [
        Row(time(*divmod(first + n * slot, 60)), [cells[n] for cells in by_column])
        for n in range(count)
    ]
