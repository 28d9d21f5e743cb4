"""What a database constraint's refusal means to the user: one table for pages, API and CLI.

The names follow the models' naming convention (app.database.NAMING_CONVENTION). Only the
refusals a user can bring about are here: two requests racing for a name, or a row removed
while another request still refers to it. A CHECK or NOT NULL refusal means the code let
bad data through; it is named nowhere here, so it stays an error (a logged 500), not a
"try again".
"""

import re
from dataclasses import dataclass

import sqlalchemy as sa

from app import models  # noqa: F401 (puts every table in Base.metadata)
from app.database import Base
from app.i18n import _l


@dataclass(frozen=True)
class Violation:
    """A constraint's refusal as the user hears it: a status, a message, the field if any."""

    status: int
    text: str  # lazy (_l): the message in the language of whoever reads it
    field: str | None = None

    @property
    def message(self):
        """The message, written in the current language (a plain str)."""
        return str(self.text)


# The other request's change made this one impossible: reloading shows why.
REMOVED_MEANWHILE = Violation(
    409, _l("Something this change relies on was changed meanwhile. Reload and try again.")
)
IN_USE = Violation(
    409,
    _l("Records that refer to it were added meanwhile, so it cannot be deleted. "
       "Reload and try again."),
)

UNIQUE = {
    "uq_pet_types_name": Violation(409, _l("A pet type of that name exists already."), "name"),
    "uq_specialties_name": Violation(
        409, _l("A specialty of that name exists already."), "name"
    ),
    "uq_pets_owner_id_name_lower": Violation(
        409, _l("This owner already has a pet of that name."), "name"
    ),
    "uq_pets_microchip": Violation(
        409, _l("Another pet has this microchip number already."), "microchip"
    ),
    "uq_users_username": Violation(409, _l("That username is taken."), "username"),
    "uq_visits_appointment_id": Violation(409, _l("This appointment has its visit already.")),
    "uq_appointment_types_name": Violation(
        409, _l("An appointment type of that name exists already."), "name"
    ),
    "uq_vaccine_types_name": Violation(
        409, _l("A vaccine type of that name exists already."), "name"
    ),
    "uq_reminder_dismissals_reminder": Violation(409, _l("That reminder was dismissed already.")),
    "uq_messages_message_id": Violation(409, _l("That message is in the outbox already.")),
    # The reminder run's notices: another run queued the same reminder at the same moment.
    "pk_appointment_notices": Violation(409, _l("That appointment reminder is queued already.")),
    "uq_vaccination_notices_stage": Violation(
        409, _l("That vaccination reminder is queued already.")
    ),
    "uq_api_tokens_prefix": Violation(
        409, _l("The API token could not be given a secret. Try again.")
    ),
    "pk_vaccine_type_species": Violation(409, _l("That species is listed already."), "species"),
    "pk_clinic_closures": Violation(409, _l("That day is a closure already."), "day"),
    "pk_vet_rota": Violation(409, _l("That weekday is in the rota already."), "weekday"),
    # Feeds are written under the vet's row lock; these back it up.
    "pk_calendar_feeds": Violation(
        409, _l("The vet's calendar feed was changed meanwhile. Reload and try again.")
    ),
    "uq_calendar_feeds_token_digest": Violation(
        409, _l("The calendar feed could not be given a new address. Try again.")
    ),
    # PostgreSQL's exclusion constraint on a vet's overlapping appointments (not unique, but
    # the same kind of refusal: two requests racing for one slot).
    "ex_appointments_vet_id_slot": Violation(
        409, _l("The vet is already booked at that time. Choose another time."), "start_time"
    ),
}

# Foreign keys a race can break: writing a row whose referent was just deleted
# (REMOVED_MEANWHILE), or deleting a row that another request just referred to (IN_USE).
FOREIGN_KEYS = {
    "fk_pets_owner_id_owners",
    "fk_pets_type_id_pet_types",
    "fk_appointments_pet_id_pets",
    "fk_appointments_vet_id_vets",
    "fk_visits_pet_id_pets",
    "fk_visits_vet_id_vets",
    "fk_visits_appointment_id_appointments",
    "fk_vet_specialties_vet_id_vets",
    "fk_vet_specialties_specialty_id_specialties",
    "fk_users_vet_id_vets",
    "fk_staff_sessions_user_id_users",
    "fk_api_tokens_user_id_users",
    "fk_appointments_type_id_appointment_types",
    "fk_appointments_follows_id_appointments",
    "fk_appointment_types_specialty_id_specialties",
    "fk_vet_rota_vet_id_vets",
    "fk_vet_absences_vet_id_vets",
    "fk_calendar_feeds_vet_id_vets",
    "fk_visits_author_id_users",
    "fk_visit_addenda_visit_id_visits",
    "fk_visit_addenda_author_id_users",
    "fk_pet_weights_pet_id_pets",
    "fk_pet_weights_visit_id_visits",
    "fk_pet_weights_appointment_id_appointments",
    "fk_pet_weights_recorded_by_id_users",
    "fk_pet_alerts_pet_id_pets",
    "fk_vaccine_type_species_vaccine_type_id_vaccine_types",
    "fk_vaccine_type_species_pet_type_id_pet_types",
    "fk_vaccinations_pet_id_pets",
    "fk_vaccinations_vaccine_type_id_vaccine_types",
    "fk_vaccinations_vet_id_vets",
    "fk_vaccinations_visit_id_visits",
    "fk_reminder_dismissals_pet_id_pets",
    "fk_reminder_dismissals_vaccine_type_id_vaccine_types",
    "fk_reminder_contacts_owner_id_owners",
    "fk_messages_owner_id_owners",
    "fk_messages_appointment_id_appointments",
    "fk_appointment_notices_appointment_id_appointments",
    "fk_appointment_notices_message_id_messages",
    "fk_vaccination_notices_pet_id_pets",
    "fk_vaccination_notices_vaccine_type_id_vaccine_types",
    "fk_vaccination_notices_message_id_messages",
    "fk_owner_merges_kept_id_owners",
}

_SQLITE_UNIQUE_INDEX = re.compile(r"UNIQUE constraint failed: index '(\w+)'")
_SQLITE_UNIQUE_COLUMNS = re.compile(r"UNIQUE constraint failed: (\w+)\.(\w+(?:, \w+\.\w+)*)")
_SQLITE_CHECK = re.compile(r"CHECK constraint failed: (\w+)")
_STATEMENT = re.compile(r"\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE)


def _statement(error):
    """(verb, table) of the statement the database refused: ('DELETE', 'vets')."""
    match = _STATEMENT.match(error.statement or "")
    return (match[1].split()[0].upper(), match[2]) if match else (None, None)


def _unique_named(table_name, columns):
    """The unique constraint, primary key or unique index of a table over exactly these columns."""
    table = Base.metadata.tables.get(table_name)
    if table is None:
        return None
    kinds = sa.UniqueConstraint | sa.PrimaryKeyConstraint
    candidates = [c for c in table.constraints if isinstance(c, kinds)]
    candidates += [index for index in table.indexes if index.unique]
    for candidate in candidates:
        if [column.name for column in candidate.columns] == columns:
            return candidate.name
    return None


def _foreign_key_named(verb, table_name):
    """The foreign key a SQLite statement broke (SQLite names none).

    Writing to a table breaks one of its own foreign keys; deleting from it breaks one that
    refers to it and restricts the delete. SQLite cannot say which of several it was: the
    first stands for all, which is right as long as FOREIGN_KEYS gives them one meaning.
    """
    tables = Base.metadata.tables
    if verb == "DELETE":
        keys = [
            key
            for table in tables.values()
            for key in table.foreign_key_constraints
            if key.referred_table.name == table_name and key.ondelete in (None, "RESTRICT")
        ]
    else:
        keys = list(tables[table_name].foreign_key_constraints) if table_name in tables else []
    return min((key.name for key in keys), default=None)


def constraint_name(error):
    """The name of the constraint behind an IntegrityError, on PostgreSQL or SQLite; else None.

    psycopg reports it; SQLite's message names an index, a CHECK constraint or the columns
    of a unique constraint, and nothing at all for a foreign key.
    """
    diag = getattr(error.orig, "diag", None)
    if diag is not None:
        return diag.constraint_name
    message = str(error.orig)
    if match := _SQLITE_UNIQUE_INDEX.match(message) or _SQLITE_CHECK.match(message):
        return match[1]
    if match := _SQLITE_UNIQUE_COLUMNS.match(message):
        columns = [column.rpartition(".")[2] for column in match[2].split(", ")]
        return _unique_named(match[1], columns)
    if message.startswith("FOREIGN KEY constraint failed"):
        return _foreign_key_named(*_statement(error))
    return None


def violation(error):
    """What an IntegrityError means to the user; None when no rule names it (a bug)."""
    name = constraint_name(error)
    if name in FOREIGN_KEYS:
        return IN_USE if _statement(error)[0] == "DELETE" else REMOVED_MEANWHILE
    return UNIQUE.get(name)
