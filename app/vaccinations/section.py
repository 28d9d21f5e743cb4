"""The pet page's vaccination section (templates/pets/_vaccinations.html): what it shows."""

from dataclasses import dataclass
from datetime import date, timedelta

from app.models import ReminderDismissal, Vaccination
from app.reminders.due import DUE_SOON_DAYS
from app.reminders.services import dismissals_of
from app.vaccinations.services import pet_vaccinations


@dataclass(frozen=True)
class NextDose:
    """The next dose of one vaccine type: the latest dose, and what became of its reminder."""

    latest: Vaccination
    status: str  # "overdue", "due soon", "due" or "dismissed"
    dismissal: ReminderDismissal | None = None

    @property
    def due_on(self):
        """The day the next dose is due."""
        return self.latest.next_due_on


@dataclass(frozen=True)
class VaccinationSection:
    """A pet's vaccination history, newest first, and the next dose of each type, soonest first."""

    history: list[Vaccination]
    next_doses: list[NextDose]


def _status(due_on, today):
    """How a due date stands today."""
    if due_on < today:
        return "overdue"
    if due_on <= today + timedelta(days=DUE_SOON_DAYS):
        return "due soon"
    return "due"


def vaccination_section(pet, today: date):
    """What the pet page shows of a pet's vaccinations: two statements, whatever the history."""
    history = pet_vaccinations(pet.id)
    dismissed = {(d.vaccine_type_id, d.due_on): d for d in dismissals_of(pet.id)}
    latest = {}
    for dose in history:  # newest first: the first of each type is its latest
        latest.setdefault(dose.vaccine_type_id, dose)
    next_doses = []
    for dose in latest.values():
        dismissal = dismissed.get((dose.vaccine_type_id, dose.next_due_on))
        status = "dismissed" if dismissal else _status(dose.next_due_on, today)
        next_doses.append(NextDose(dose, status, dismissal))
    next_doses.sort(key=lambda entry: (entry.due_on, entry.latest.vaccine_type.name))
    return VaccinationSection(history, next_doses)
