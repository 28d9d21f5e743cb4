"""Every main page at a phone and a desktop width: no JavaScript errors, every field
labelled, nothing wider than a phone's screen; a screenshot of each for CI to keep."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.models import Appointment, Owner, Pet, PetType, Vet, Visit
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    horizontal_overflow,
    screenshot,
    sign_in,
    unlabelled_fields,
)

pytestmark = pytest.mark.slow

WIDTHS = {"phone": PHONE, "desktop": DESKTOP}

# (screenshot name, path, the page's main heading); {ids} come from the demo clinic.
PAGES = [
    ("home", "/", "Welcome"),
    ("owners-find", "/owners/find", "Find owners"),
    ("owners-list", "/owners?lastName=Page", "Owners matching “Page”"),
    ("owner", "/owners/{owner}", "George Franklin"),
    ("owner-new", "/owners/new", "New owner"),
    ("owner-edit", "/owners/{owner}/edit", "Edit owner"),
    ("owner-delete", "/owners/{owner}/delete", "Delete George Franklin?"),
    ("owner-merge-choose", "/owners/{owner}/merge?q=Davis", "Merge another owner into George Franklin"),
    ("owner-merge", "/owners/{owner}/merge/{other_owner}", None),  # headed by both names
    ("pet-transfer", "/owners/{owner}/pets/{pet}/transfer?q=Davis", "Move Leo to another owner"),
    ("pet-new", "/owners/{owner}/pets/new", "New pet"),
    ("pet", "/owners/{owner}/pets/{pet}", "Leo"),
    ("pet-edit", "/owners/{owner}/pets/{pet}/edit", "Edit pet"),
    ("appointment-book", "/owners/{owner}/pets/{pet}/appointments/new", "Book an appointment"),
    ("visit-new", "/owners/{owner}/pets/{pet}/visits/new", "New visit"),
    ("visit", "/owners/{owner}/pets/{pet}/visits/{visit}", "Visit of Leo"),
    ("visit-edit", "/owners/{owner}/pets/{pet}/visits/{visit}/edit", "Correct a visit"),
    ("pet-weights", "/owners/{owner}/pets/{pet}/weights", "Weights of Leo"),
    ("day-sheet", "/appointments", None),  # headed by the date,
    ("appointment", "/appointments/{appointment}", "Appointment: Leo"),
    ("appointment-edit", "/appointments/{appointment}/edit", "Change appointment"),
    ("vets", "/vets", "Veterinarians"),
    ("vet-week", "/vets/{vet}", "James Carter"),
    ("schedule-day", "/schedule", None),  # headed by the date
    ("schedule-week", "/schedule?view=week&vet={vet}", None),
    ("schedule-whose-pet", "/appointments/new?lastName=Davis", "Whose pet?"),
    ("vet-new", "/vets/new", "New vet"),
    ("staff", "/users", "Staff accounts"),
    ("staff-new", "/users/new", "New account"),
    ("reference", "/reference", "Pet types, specialties and appointment types"),
    ("vaccine-types", "/reference/vaccines", "Vaccine types"),
    ("vaccine-type-new", "/reference/vaccines/new", "New vaccine type"),
    ("reminders", "/reminders", "Vaccinations due"),
    ("outbox", "/messages", "Outbox"),
    ("pet-vaccinations", "/owners/{owner}/pets/{pet}/vaccinations", "Leo's vaccinations"),
    ("certificate", "/owners/{owner}/pets/{pet}/vaccinations/certificate", "Vaccination certificate"),
    ("pet-record", "/owners/{owner}/pets/{pet}/record", "Patient record"),
    ("message-templates", "/messages/templates", "Message templates"),
    ("message-template", "/messages/templates/vaccination_reminder", "Vaccination reminder"),
    ("pet-delete", "/owners/{owner}/pets/{pet}/delete", None),  # "Delete Leo (cat) and its …?"
    ("appointment-cancel", "/appointments/{appointment}/cancel", None),  # "Cancel Leo's …?"
    ("pet-type-rename", "/reference/pettype/{pet_type}/edit", "Pet type: cat"),
    ("audit", "/audit", "Audit trail"),
]


@pytest.fixture(scope="session")
def demo(clinic_database):
    """Ids of demo records the pages show: George Franklin, his cat Leo, Leo's booking, Carter."""
    engine = sa.create_engine(clinic_database, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as db:
            owner = db.scalar(sa.select(Owner.id).where(Owner.last_name == "Franklin"))
            pet = db.scalar(sa.select(Pet.id).where(Pet.owner_id == owner, Pet.name == "Leo"))
            appointment = db.scalar(
                sa.select(Appointment.id)
                .where(Appointment.pet_id == pet, Appointment.status == "scheduled")
                .order_by(Appointment.starts_at)
            )
            vet = db.scalar(sa.select(Vet.id).where(Vet.last_name == "Carter"))
            visit = db.scalar(sa.select(Visit.id).where(Visit.pet_id == pet).limit(1))
            pet_type = db.scalar(sa.select(PetType.id).where(PetType.name == "cat"))
            other_owner = db.scalar(sa.select(Owner.id).where(Owner.last_name == "Davis").limit(1))
    finally:
        engine.dispose()
    return {"owner": owner, "pet": pet, "appointment": appointment, "vet": vet, "visit": visit,
            "pet_type": pet_type, "other_owner": other_owner}


def page_problems(page, name, width, heading=None):
    """What is wrong with the page on show, by what every page must satisfy; and a screenshot."""
    screenshot(page, f"{name}-{width}")
    problems = [f"{name}: unlabelled {field}" for field in unlabelled_fields(page)]
    if heading and not page.get_by_role("heading", name=heading, exact=True).is_visible():
        problems.append(f"{name}: no heading {heading!r}")
    if width == "phone" and (overflow := horizontal_overflow(page)) > 0:
        problems.append(f"{name}: {overflow} px wider than the phone")
    return problems


def at(width):
    """A parameter that opens the test's page at a phone's or a desktop's width."""
    phone = width == "phone"
    screen = pytest.mark.browser_context_args(
        viewport=WIDTHS[width], is_mobile=phone, has_touch=phone
    )
    return pytest.param(width, marks=screen, id=width)


@pytest.mark.parametrize("width", [at("phone"), at("desktop")])
def test_the_main_pages(page, demo, width):
    page.goto("/login")
    problems = page_problems(page, "sign-in", width, "Sign in")
    sign_in(page, "admin")
    for name, path, heading in PAGES:
        response = page.goto(path.format(**demo))
        assert response.ok, f"{path}: {response.status}"
        problems += page_problems(page, name, width, heading)
    assert not problems, "\n".join(problems)


@pytest.mark.browser_context_args(viewport=PHONE, is_mobile=True, has_touch=True)
def test_the_menu_opens_on_a_phone(page):
    sign_in(page, "reception")
    find_owners = page.get_by_role("link", name="Find owners")
    expect(find_owners).to_be_hidden()  # folded away behind the menu button
    # Bootstrap's own script opens it: proof that the page's JavaScript runs (CSP and all).
    page.get_by_role("button", name="Toggle navigation").click()
    find_owners.click()
    expect(page.get_by_role("heading", name="Find owners")).to_be_visible()


def test_a_message_templates_html_shows_in_its_sandboxed_frame(page):
    page.goto("/login")
    sign_in(page, "admin")
    page.goto("/messages/templates/appointment_reminder")
    frame = page.frame_locator("iframe[sandbox]")
    expect(frame.get_by_text("A reminder of Leo's appointment with us:")).to_be_visible()
    expect(frame.get_by_role("link", name="stop reminders by email")).to_be_visible()
