"""The call list: the due list's rows (one per owner) as CSV or a printed table."""

import csv
import io

from app.csv_files import neutralise_cell
from app.phone import format_phone

# One row per owner, as on the due list.
CALL_LIST_COLUMNS = (
    "owner_id",
    "owner",
    "telephone",
    "email",
    "last_reminder_sent",
    "earliest_due",
    "overdue",
    "pets_due",
)


def dose_text(dose, today):
    """One due dose as the desk reads it: 'Leo: Rabies due 2026-03-01 (overdue)'."""
    late = " (overdue)" if dose.next_due_on < today else ""
    return f"{dose.pet.name}: {dose.vaccine_type.name} due {dose.next_due_on.isoformat()}{late}"


def call_list_row(row, today):
    """An OwnerDue as a dict of CALL_LIST_COLUMNS."""
    return {
        "owner_id": row.owner.id,
        "owner": row.owner.full_name,
        "telephone": format_phone(row.owner.telephone),
        "email": row.owner.email or "",
        "last_reminder_sent": row.last_sent_at.strftime("%Y-%m-%d %H:%M UTC")
        if row.last_sent_at else "",
        "earliest_due": row.earliest_due().isoformat(),
        "overdue": "yes" if row.earliest_due() < today else "no",
        "pets_due": "; ".join(dose_text(dose, today) for dose in row.doses),
    }


def csv_lines(rows, today):
    """The call list as CSV text, the header first and then one line per owner, streamed.

    Values a spreadsheet would run as formulas are neutralised, as in every export.
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CALL_LIST_COLUMNS, lineterminator="\r\n")

    def flushed():
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writeheader()
    yield flushed()
    for row in rows:
        values = call_list_row(row, today)
        writer.writerow({column: neutralise_cell(value) for column, value in values.items()})
        yield flushed()
