"""The audit trail in words: records by name ("Max (pet of George Franklin)"), ids in
changes by name ("vet: Helen Leary → James Carter"), times at the clinic.

The entries' summaries are stored in English and shown as they are; what is put together
here for the page (records' names, the actions, "none") is in the page's language.

Names are read in bulk: one statement for every record a list of entries mentions (a UNION
ALL of one SELECT per kind of record), none for those the page has loaded already."""

import re
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import object_session

from app.extensions import db
from app.i18n import _, _l, weekday_name
from app.models import Appointment, AppointmentType, Owner, Pet, PetType, VaccineType, Vet, Visit

# A record named by id inside a description: "with vet #3 for pet #14".
MENTION = re.compile(r"\b(owner|pet|vet|appointment|visit|vaccine type) #(\d+)")
# A changed column: "vet_id: 3 → 1", at the start, after "; " or inside "(...)".
CHANGE = re.compile(r"(^|; |\()([a-z_]+): (.*?) → (.*?)(?=; [a-z_]+: |\)$|$)")
ID_COLUMNS = {"vet_id": "vet", "pet_id": "pet", "owner_id": "owner",
              "appointment_id": "appointment", "follows_id": "appointment",
              "visit_id": "visit", "vaccine_type_id": "vaccine type"}
# type_id names a pet type in a pet's trail, an appointment type in an appointment's.
TYPE_IDS = {"pet": "pet type", "appointment": "appointment type"}
# The trail's kinds whose entity id is a record of that kind (a rota's or absence's: its vet).
ENTITY_KINDS = {"owner": "owner", "pet": "pet", "appointment": "appointment", "visit": "visit",
                "rota": "vet", "absence": "vet"}
# The actions the trail records (AuditEntry.action), as the page names them; any other is
# shown with its underscores as spaces.
ACTIONS = {"create": _l("create"), "update": _l("update"), "delete": _l("delete"),
           "addendum": _l("addendum"), "merge": _l("merge"), "transfer": _l("transfer"),
           "cancelled": _l("cancelled"), "checked_in": _l("checked in"),
           "completed": _l("completed"), "no_show": _l("no-show")}


@dataclass(frozen=True)
class Line:
    """One audit entry as a reader sees it."""

    at: datetime  # UTC; shown with the clinic_time filter
    actor: str
    action: str
    record: str
    details: str
    entity_type: str
    entity_id: int


def _text(column):
    return sa.cast(column, sa.String)


def _name_selects():
    """kind -> a function of ids giving SELECT kind, id, a, b, c (all text) for that kind."""
    def select(kind, model, a, b=None, c=None, join=None):
        def build(ids):
            query = sa.select(sa.literal(kind, sa.String), model.id, _text(a),
                              _text(b if b is not None else sa.null()),
                              _text(c if c is not None else sa.null()))
            if join is not None:
                query = query.join(join)
            return query.where(model.id.in_(ids))
        return build

    return {
        "owner": select("owner", Owner, Owner.first_name, Owner.last_name),
        "pet": select("pet", Pet, Pet.name, Owner.first_name, Owner.last_name, join=Pet.owner),
        "vet": select("vet", Vet, Vet.first_name, Vet.last_name),
        "appointment": select("appointment", Appointment, Pet.name, Appointment.starts_at,
                              join=Appointment.pet),
        "visit": select("visit", Visit, Pet.name, Visit.date, join=Visit.pet),
        "pet type": select("pet type", PetType, PetType.name),
        "appointment type": select("appointment type", AppointmentType, AppointmentType.name),
        "vaccine type": select("vaccine type", VaccineType, VaccineType.name),
    }


def _label(kind, a, b, c):
    if kind == "pet":
        owner = f"{b} {c}"
        return _("%(pet)s (pet of %(owner)s)", pet=a, owner=owner)
    if kind in ("owner", "vet"):
        return f"{a} {b}"
    if kind == "appointment":  # "2026-05-04 10:00" on both databases
        return _("%(pet)s's appointment of %(when)s", pet=a, when=b[:16])
    if kind == "visit":
        return _("%(pet)s's visit of %(day)s", pet=a, day=b[:10])
    return a


def _loaded(obj, *relationships):
    """Whether these relationships of ``obj`` are loaded (reading them sends no SQL)."""
    return object_session(obj) is not None and not set(relationships) & sa.inspect(obj).unloaded


class Names:
    """Names of records by (kind, id): those given as known, the rest read in one statement."""

    def __init__(self, known=()):
        self.names = {}
        self.pets = {}  # pet id -> its bare name, for its appointments and visits
        for obj in known:
            self.learn(obj)

    def learn(self, obj):
        """Remember the name of a loaded record (and of its loaded pet, owner, vet); a pet's
        owner, and an appointment's or visit's pet, given before it or loaded with it."""
        if isinstance(obj, Owner):
            self.names["owner", obj.id] = obj.full_name
        elif isinstance(obj, Vet):
            self.names["vet", obj.id] = obj.full_name
        elif isinstance(obj, PetType | AppointmentType | VaccineType):
            kind = {PetType: "pet type", AppointmentType: "appointment type"}.get(type(obj))
            self.names[kind or "vaccine type", obj.id] = obj.name
        elif isinstance(obj, Pet):
            if _loaded(obj, "owner"):
                self.learn(obj.owner)
            if _loaded(obj, "type"):
                self.learn(obj.type)
            self.pets[obj.id] = obj.name
            if ("owner", obj.owner_id) in self.names:
                self.names["pet", obj.id] = _("%(pet)s (pet of %(owner)s)", pet=obj.name,
                                              owner=self.names["owner", obj.owner_id])
        elif isinstance(obj, Appointment | Visit):
            if _loaded(obj, "pet"):
                self.learn(obj.pet)
            if _loaded(obj, "vet") and obj.vet is not None:
                self.learn(obj.vet)
            if obj.pet_id in self.pets:
                when = (f"{obj.starts_at:%Y-%m-%d %H:%M}" if isinstance(obj, Appointment)
                        else f"{obj.date:%Y-%m-%d}")
                pet = self.pets[obj.pet_id]
                if isinstance(obj, Appointment):
                    self.names["appointment", obj.id] = _(
                        "%(pet)s's appointment of %(when)s", pet=pet, when=when)
                else:
                    self.names["visit", obj.id] = _("%(pet)s's visit of %(day)s", pet=pet, day=when)

    def read(self, wanted):
        """Read the names of the wanted (kind, id) pairs not known yet: one statement."""
        missing = {}
        for kind, record_id in wanted:
            if (kind, record_id) not in self.names and 0 < record_id < 2**31:
                missing.setdefault(kind, set()).add(record_id)
        if not missing:
            return
        selects = _name_selects()
        union = sa.union_all(*(selects[kind](sorted(ids)) for kind, ids in missing.items()))
        for kind, record_id, a, b, c in db.session.execute(union):
            self.names[kind, record_id] = _label(kind, a, b, c)

    def of(self, kind, record_id):
        """The record's name, or "pet #14" for one that is gone."""
        return self.names.get((kind, record_id), f"{kind} #{record_id}")


def _mentions(entry):
    """The (kind, id) pairs an entry names: its record and the ids in its summary."""
    if entry.entity_type in ENTITY_KINDS:
        yield ENTITY_KINDS[entry.entity_type], entry.entity_id
    for kind, record_id in MENTION.findall(entry.summary):
        yield kind, int(record_id)
    for _start, column, old, new in CHANGE.findall(entry.summary):
        kind = ID_COLUMNS.get(column) or (TYPE_IDS.get(entry.entity_type)
                                          if column == "type_id" else None)
        if kind:
            yield from ((kind, int(value)) for value in (old, new) if value.isdigit())


def _record(entry, names):
    """What the entry is about, in words."""
    kind, record_id = entry.entity_type, entry.entity_id
    if kind == "rota":
        return _("%(vet)s: rota", vet=names.of("vet", record_id))
    if kind == "absence":
        return _("%(vet)s: absences", vet=names.of("vet", record_id))
    if kind == "clinic_hours":
        if 0 <= record_id < 7:
            return _("clinic hours: %(weekday)s", weekday=weekday_name(record_id))
        return _("clinic hours")
    if kind == "closure":
        try:
            day = date(record_id // 10000, record_id // 100 % 100, record_id % 100)
        except ValueError:
            return _("closure #%(id)d", id=record_id)
        return _("closure of %(day)s", day=day.isoformat())
    return names.of(kind, record_id)


def _details(entry, names):
    """The summary with ids named and column names in words."""
    def change(match):
        start, column, old, new = match.groups()
        kind = ID_COLUMNS.get(column) or (TYPE_IDS.get(entry.entity_type)
                                          if column == "type_id" else None)
        if kind:
            old, new = (names.of(kind, int(v)) if v.isdigit() else _("none") for v in (old, new))
            column = column.removesuffix("_id")
        return f"{start}{column.replace('_', ' ')}: {old} → {new}"

    text = CHANGE.sub(change, entry.summary)
    return MENTION.sub(lambda m: names.of(m.group(1), int(m.group(2))), text)


def readable(entries, known=()):
    """The entries as Lines, naming every record they mention (``known``: records the page
    has loaded, whose names cost no statement)."""
    names = Names(known)
    names.read({pair for entry in entries for pair in _mentions(entry)})
    return [Line(entry.at, entry.actor,
                 str(ACTIONS.get(entry.action, entry.action.replace("_", " "))),
                 _record(entry, names), _details(entry, names), entry.entity_type,
                 entry.entity_id)
            for entry in entries]
