"""Owner pages: find, list, register, show, edit, delete (Spring PetClinic URLs)."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.datastructures import MultiDict

from app.audit import trail_for
from app.auth.permissions import can, permission_required
from app.clinic import clinic_today
from app.concurrency import ChangedMeanwhile, refuse_stale_form, saving
from app.extensions import db
from app.forms import error_summary
from app.i18n import _, _l, language_name
from app.messages.log import recent_messages
from app.models import Owner
from app.owners.duplicates import (
    confirmed_ids,
    differs_in_what_is_compared,
    likely_duplicates,
    unconfirmed,
)
from app.owners.forms import OwnerForm, SearchForm
from app.owners.merge import merged_into
from app.owners.search import OwnerSearch
from app.owners.services import (
    delete_owner,
    owner_deletion_options,
    owner_details,
    owner_values,
    register_owner,
    update_owner,
)
from app.pagination import page_number
from app.pets.forms import FirstPetForm
from app.phone import format_phone

bp = Blueprint("owners", __name__, url_prefix="/owners")

# What a desk sees of an owner saved by someone else meanwhile.
OWNER_LABELS = {
    _l("First name"): "first_name",
    _l("Last name"): "last_name",
    _l("Address"): "address",
    _l("City"): "city",
    _l("Telephone"): lambda owner: format_phone(owner.telephone),
    _l("Email"): "email",
    _l("Language for messages"): lambda owner: language_name(owner.language) or _("The clinic's language"),
}


def search_form():
    """The search box's form from the query string; ?lastName= (Spring PetClinic's) is its ``q``."""
    args = request.args
    if "q" not in args and "lastName" in args:
        args = MultiDict([("q", value) for value in args.getlist("lastName")])
    return SearchForm(args)


@bp.get("/find")
@permission_required("owners.view")
def find():
    """The search form."""
    return render_template("owners/find.html", form=search_form())


@bp.get("")
@permission_required("owners.view")
def index():
    """The owners the search box finds (all when empty), a page at a time; one opens at once."""
    form = search_form()
    if not form.validate():
        return render_template("owners/find.html", form=form), 400
    search = OwnerSearch(form.q.data)
    page = db.paginate(
        search.owners(), page=page_number(), per_page=current_app.config["PAGE_SIZE"], count=False
    )
    # Counted up to a limit: beyond it the list says "more than" and shows its pages to there.
    limit = current_app.config["SEARCH_COUNT_LIMIT"]
    found = search.count(limit)
    page.total = min(found, limit)
    search.with_pets(page.items)
    if page.total == 0:
        form.q.errors.append(search.miss())
        return render_template("owners/find.html", form=form)
    if page.total == 1 and page.page == 1:
        (owner,) = page.items
        matched = [pet for pet in owner.pets if search.highlights(pet)]
        anchor = f"pet-{matched[0].id}" if len(matched) == 1 else None
        return redirect(url_for("owners.detail", owner_id=owner.id, _anchor=anchor))
    return render_template("owners/list.html", page=page, search=search, more=found > limit)


@bp.route("/new", methods=["GET", "POST"])
@permission_required("owners.edit")
def new():
    """Register an owner, with an optional first pet saved in a savepoint."""
    form = OwnerForm()
    pet_form = FirstPetForm()
    duplicates = None
    if form.validate_on_submit() and not (duplicates := duplicates_to_confirm(form)):
        first_pet, problem = None, None
        if pet_form.filled_in():
            if pet_form.validate():
                first_pet = {
                    "name": pet_form.name.data,
                    "birth_date": pet_form.birth_date.data,
                    "type_id": pet_form.type_id.data,
                }
            else:
                problem = error_summary(pet_form)
        owner, pet, refused = register_owner(form.data, first_pet)
        db.session.commit()
        flash(_("Owner %(name)s registered.", name=owner.full_name), "success")
        if pet is not None:
            flash(_("Pet %(name)s added.", name=pet.name), "success")
        if problem or refused:
            flash(_("The pet was NOT saved. %(problem)s Its details are below: "
                    "correct them and save the pet.", problem=problem or refused), "warning")
            return redirect(url_for("pets.new", owner_id=owner.id, **pet_form.typed()))
        return redirect(url_for("owners.detail", owner_id=owner.id))
    return render_template("owners/new.html", form=form, pet_form=pet_form,
                           duplicates=duplicates)


def duplicates_to_confirm(form, owner=None):
    """The likely duplicates of a valid owner form, unless "Save anyway" confirmed them all.

    An edit that changes none of the compared values warns of nothing new.
    """
    values = owner_values(form.data)
    if owner is not None and not differs_in_what_is_compared(owner, values):
        return []
    found = likely_duplicates(values, exclude_id=owner.id if owner else None)
    if not unconfirmed(found, confirmed_ids(request.form.get("save_anyway"))):
        return []
    return found


@bp.get("/<int:owner_id>")
@permission_required("owners.view")
def detail(owner_id):
    """The owner, every pet with its visits and upcoming appointments."""
    owner = owner_details(owner_id, clinic_today())
    if owner is None:
        kept = merged_into(owner_id) or abort(404)
        # Not a bare 404: an old link or bookmark leads to the owner it was merged into.
        return render_template("owners/merged.html", owner_id=owner_id, kept=kept), 404
    trail = None
    if can("audit.view"):
        trail = trail_for(
            ("owner", [owner.id]),
            ("pet", [pet.id for pet in owner.pets]),
            ("visit", [visit.id for pet in owner.pets for visit in pet.visits]),
            known=[owner, *owner.pets, *(record for pet in owner.pets
                                  for record in (*pet.visits, *pet.appointments))],
        )
    messages, more_messages = recent_messages(owner.id)
    return render_template(
        "owners/detail.html", owner=owner, today=clinic_today(), trail=trail,
        messages=messages, more_messages=more_messages,
    )


@bp.route("/<int:owner_id>/edit", methods=["GET", "POST"])
@permission_required("owners.edit")
def edit(owner_id):
    """Change an owner's details."""
    owner = db.get_or_404(Owner, owner_id)
    form = OwnerForm(obj=owner)
    duplicates = None
    if form.validate_on_submit() and not (duplicates := duplicates_to_confirm(form, owner)):
        try:
            with saving(owner, form.version.data):
                update_owner(owner, form.data)
        except ChangedMeanwhile:
            owner, saved = refuse_stale_form(
                form, lambda: db.session.get(Owner, owner_id), OWNER_LABELS
            )
            return render_template("owners/edit.html", form=form, owner=owner, saved=saved), 409
        db.session.commit()
        flash(_("Owner %(name)s updated.", name=owner.full_name), "success")
        return redirect(url_for("owners.detail", owner_id=owner.id))
    if request.method == "GET":
        form.telephone.data = format_phone(owner.telephone)
    return render_template("owners/edit.html", form=form, owner=owner, duplicates=duplicates)


@bp.route("/<int:owner_id>/delete", methods=["GET", "POST"])
@permission_required("owners.delete")
def delete(owner_id):
    """Confirm, then delete an owner with their pets, appointments and visits."""
    owner = db.get_or_404(Owner, owner_id, options=owner_deletion_options())
    if request.method == "POST":
        name = owner.full_name
        delete_owner(owner)
        db.session.commit()
        flash(_("Owner %(name)s and all their records were deleted.", name=name), "success")
        return redirect(url_for("owners.find"))
    return render_template("owners/delete.html", owner=owner)

