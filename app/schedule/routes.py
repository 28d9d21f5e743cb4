"""Schedule pages: the grid (a day of every working vet, or one vet's week), and "whose pet?"
for a free slot chosen with no pet in mind."""

from dataclasses import replace

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.appointments.forms import AppointmentForm
from app.appointments.prefill import booking_prefill, booking_query, slot_query
from app.auth.permissions import permission_required
from app.clinic import clinic_now
from app.extensions import db
from app.i18n import _, day
from app.models import Owner, Pet, Vet
from app.models.appointment import MIN_DURATION
from app.owners.forms import FindOwnersForm
from app.owners.services import search_owners
from app.pagination import ListPagination, page_number
from app.reference.appointment_types import appointment_type_or_none, list_appointment_types
from app.schedule.args import schedule_args
from app.schedule.grid import Column, build_rows, swatch
from app.schedule.loading import (
    active_vets,
    appointments_between,
    day_vets,
    pet_in_context,
)
from app.working_time.calendar import load_working_time

bp = Blueprint("schedule", __name__)

# The pets of the owners found, with their types (a cat called Leo, not just Leo).
PETS_WITH_TYPES = selectinload(Owner.pets).joinedload(Pet.type)


def booking_minutes():
    """The longest a free slot's link books: the booking form's own default duration."""
    return AppointmentForm.duration_minutes.kwargs["default"]


def day_columns(args):
    """The day view's columns: every vet who works that day or is booked, and the one asked for,
    a page of them at a time (a clinic ten times the size has ten times the vets, and one
    grid of them all would grow with it). Without ?page= the page is the asked-for vet's."""
    vets = day_vets(args.day, args.vet_id, with_cancelled=args.show_cancelled)
    if args.vet_id is not None and args.vet_id not in {vet.id for vet, drawn in vets}:
        abort(404, description=_("There is no such vet."))
    working = load_working_time([vet.id for vet, drawn in vets], args.day, args.day)
    shown = [
        vet for vet, drawn in vets
        if drawn or vet.id == args.vet_id or (vet.active and working.windows(vet.id, args.day))
    ]
    size = current_app.config["PAGE_SIZE"]
    if "page" in request.args or args.vet_id is None:
        page = page_number()
    else:
        page = [vet.id for vet in shown].index(args.vet_id) // size + 1
    vet_page = ListPagination(items=shown, page=page, per_page=size, max_per_page=None)
    by_vet = {vet.id: [] for vet in vet_page.items}
    for appointment in appointments_between(args.day, args.day, vet_ids=list(by_vet),
                                            with_cancelled=args.show_cancelled):
        by_vet[appointment.vet_id].append(appointment)
    columns = [Column(vet, args.day, vet.id == args.vet_id, by_vet[vet.id])
               for vet in vet_page.items]
    if columns and not any(column.focus for column in columns):
        columns[0].focus = True
    return columns, working, shown, vet_page


def week_columns(args):
    """The week view's columns: the vet's seven days from Monday, the asked-for day in focus."""
    if args.vet_id is None:
        if current_user.vet_id is None:
            abort(400, description=_("The week view is of one vet: choose one (vet=<id>)."))
        args = replace(args, vet_id=current_user.vet_id)
    vet = db.session.get(Vet, args.vet_id) or abort(404, description=_("There is no such vet."))
    days = args.days()
    working = load_working_time([vet.id], days[0], days[-1])
    by_day = {}
    for appointment in appointments_between(days[0], days[-1], vet_ids=[vet.id],
                                            with_cancelled=args.show_cancelled):
        by_day.setdefault(appointment.starts_at.date(), []).append(appointment)
    columns = [Column(vet, shown, shown == args.day, by_day.get(shown, [])) for shown in days]
    return columns, working, active_vets(), args, vet


class SlotLinks:
    """The link of each free slot: the pet's booking form, or "whose pet?" without one; with
    an appointment type, for its length, and only where that much time is free."""

    def __init__(self, pet, kind=None):
        if pet is not None:
            self.base = url_for("appointments.book", owner_id=pet.owner_id, pet_id=pet.id)
        else:
            self.base = url_for("schedule.whose_pet")
        self.kind = kind
        self.needs = kind.duration_minutes if kind is not None else MIN_DURATION

    def fits(self, cell):
        """Whether the free time from this slot is long enough to book."""
        return cell.minutes >= self.needs

    def __call__(self, vet, cell):
        # One url_for per page, not per slot: a busy grid has hundreds of free slots.
        query = booking_query(vet.id, cell.starts_at, cell.minutes)
        if self.kind is not None:
            query["type_id"] = self.kind.id
        # Every value is a number, an ISO date or HH:MM, which a query string carries as they
        # are: joined, not urlencode()d (quoting each key and value was 11 % of a busy grid).
        return f"{self.base}?" + "&".join(f"{key}={value}" for key, value in query.items())


@bp.get("/schedule")
@permission_required("appointments.view")
def grid():
    """The schedule grid: ?date=&view=day|week&vet=&pet=&type=&cancelled=hide|show."""
    args = schedule_args(request.args)
    pet = pet_in_context(args.pet_id)
    if args.pet_id is not None and pet is None:
        abort(404, description=_("There is no such pet."))
    kind = appointment_type_or_none(args.type_id) if args.type_id is not None else None
    if args.type_id is not None and kind is None:
        abort(404, description=_("There is no such appointment type."))
    vet = vet_page = None
    if args.view == "day":
        columns, working, chooser, vet_page = day_columns(args)
    else:
        columns, working, chooser, args, vet = week_columns(args)
    config = current_app.config
    longest = kind.duration_minutes if kind is not None else booking_minutes()
    rows = build_rows(columns, working, config["SLOT_MINUTES"], clinic_now(), longest,
                      (config["CLINIC_OPENS"], config["CLINIC_CLOSES"]))
    return render_template(
        "schedule/grid.html",
        args=args,
        vet=vet,
        pet=pet,
        columns=columns,
        rows=rows,
        chooser=chooser,
        vet_page=vet_page,
        closure=[working.closures.get(shown) for shown in args.days()],
        today=clinic_now().date(),
        slot_link=SlotLinks(pet, kind),
        kind=kind,
        types=list_appointment_types(),
        step=args.step(),
        swatch=swatch,
        day_label={shown: day(shown) for shown in args.days()},
    )


@bp.get("/appointments/new")
@permission_required("appointments.book")
def whose_pet():
    """A free slot chosen without a pet: find the owner, then book one of their pets."""
    slot = booking_prefill(request.args)
    vet = db.session.get(Vet, slot["vet_id"]) if "vet_id" in slot else None
    form = FindOwnersForm(request.args)
    owners, more = [], False
    if form.lastName.data and form.validate():
        limit = current_app.config["PAGE_SIZE"]
        query = search_owners(form.lastName.data).options(PETS_WITH_TYPES).limit(limit + 1)
        owners = db.session.scalars(query).all()
        owners, more = owners[:limit], len(owners) > limit
    status = 400 if form.errors else 200
    return render_template("schedule/whose_pet.html", form=form, slot=slot, vet=vet,
                           owners=owners, more=more, carried=slot_query(slot)), status

