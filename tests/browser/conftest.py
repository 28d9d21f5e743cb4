"""Browser tests: the real app under gunicorn on a fresh database, driven in Debian's Chromium.

Playwright (pytest-playwright) drives /usr/bin/chromium; Playwright's own browser download
is not used. Without Chromium the tests are skipped with a reason, except in CI (CI=true),
where they fail: .ci/run installs Chromium first.
"""

import os
import shutil
from datetime import UTC, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from itsdangerous import URLSafeTimedSerializer
from playwright.sync_api import expect

from app import create_app
from app.messages.tokens import SALT
from app.models import (
    Absence,
    Appointment,
    AppointmentType,
    ClinicClosure,
    Message,
    MessageKind,
    MessageStatus,
    OpeningHours,
    Owner,
    Pet,
    PetAlert,
    User,
    Vaccination,
    Visit,
)
from app.models.columns import utcnow
from tests.conftest import empty_database
from tests.test_deployment import REPO, flask, production_env, running_gunicorn

# The live server's secret key: tests sign what it checks (a message's unsubscribe link).
SECRET_KEY = "browser-tests-" + os.urandom(16).hex()

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
MISSING_CHROMIUM = (
    f"Chromium not found at {CHROMIUM}: browser tests skipped; apt-get install chromium"
)
# This machine's network is closed: without these flags Chromium's own background
# connections (updates, sync, safe browsing) are refused, many at a time.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

# The demo accounts `flask seed demo` creates: (username, password) by role.
ACCOUNTS = {
    "admin": ("admin", "admin-demo-password"),
    "reception": ("reception", "reception-demo-password"),
    "vet": ("carter", "vet-demo-password"),
}

# 25 owners whose last names start with "Page": three pages of results at 10 a page.
SEARCH_LAST_NAMES = ("Page", "Pageler", "Pages", "Paget", "Pagett")
SEARCH_FIRST_NAMES = ("Alice", "Bruno", "Chen", "Dana", "Emil")


@pytest.fixture(scope="session", autouse=True)
def chromium():
    """Debian's Chromium, or a skip that says how to get it (a failure under CI)."""
    if not os.access(CHROMIUM, os.X_OK):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM}: CI must run the browser tests")
        pytest.skip(MISSING_CHROMIUM)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium):
    """Launch Debian's Chromium, headless, with no outbound connections of its own."""
    return {
        **browser_type_launch_args,
        "executable_path": str(chromium),
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


def add_search_owners(database_url):
    """Insert the owners that the search flow pages through (one statement)."""
    rows = [
        {"first_name": first, "last_name": last, "address": f"{n} Paging Way",
         "city": "Madison", "telephone": f"+1608555{2000 + n}"}
        for n, (last, first) in enumerate(
            (last, first) for last in SEARCH_LAST_NAMES for first in SEARCH_FIRST_NAMES
        )
    ]
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(sa.insert(Owner), rows)
    finally:
        engine.dispose()


def add_outbox_message(database_url):
    """A failed confirmation to George Franklin, so the outbox and a message's page have one."""
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            owner_id = connection.scalar(sa.select(Owner.id).where(Owner.last_name == "Franklin"))
            connection.execute(sa.insert(Message).values(
                owner_id=owner_id, kind=MessageKind.CONFIRMATION, status=MessageStatus.FAILED,
                to_address="george.franklin@example.com", subject="Your appointment is booked",
                body_text="Dear George,\n\nSee you soon.\n", body_html="<p>See you soon.</p>",
                message_id="<browser-test.1@petclinic.invalid>", created_at=utcnow(),
                queued_by="tests", next_attempt_at=utcnow(), attempts=1,
                last_response="550 5.1.1 No such user"))
    finally:
        engine.dispose()


def open_every_day(database_url):
    """Open the clinic 08:00–18:00 on all seven days (one statement).

    The demo's own hours close on Sundays and Saturday afternoons; `flask seed demo` keeps
    hours it finds, so the flows through today's day sheet hold whatever the weekday.
    """
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(sa.insert(OpeningHours), [
                {"weekday": day, "opens": time(8), "closes": time(18)} for day in range(7)
            ])
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def clinic_database(database_url, tmp_path_factory):
    """A fresh database built as an administrator does: `flask db upgrade`, `flask seed demo`."""
    directory = tmp_path_factory.mktemp("browser")
    with empty_database(database_url, directory, "browser") as url:
        env = production_env(url)
        flask(env, "db", "upgrade")
        open_every_day(url)
        flask(env, "seed", "demo")
        add_search_owners(url)
        add_outbox_message(url)
        yield url


@pytest.fixture(scope="session")
def live_server(clinic_database, tmp_path_factory):
    """`gunicorn wsgi:app` on a free port; plain HTTP here, so no Secure cookies."""
    env = production_env(clinic_database, SESSION_COOKIE_SECURE="false", SECRET_KEY=SECRET_KEY)
    with running_gunicorn(env, tmp_path_factory.mktemp("browser-logs")) as server:
        yield server


@pytest.fixture(scope="session")
def base_url(live_server):
    """Where the pages are: Playwright resolves page.goto("/owners") against it."""
    return f"http://127.0.0.1:{live_server.port}"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Pages open at a desktop width; @pytest.mark.browser_context_args(viewport=...) changes it."""
    return {**browser_context_args, "viewport": DESKTOP}


@pytest.fixture(scope="session", autouse=True)
def screenshots():
    """The folder for this run's screenshots (CI keeps artifacts/), emptied first (by the
    first pytest-xdist worker only: two emptying it at once would trip over each other)."""
    if os.environ.get("PYTEST_XDIST_WORKER", "gw0") == "gw0":
        shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


class Console:
    """JavaScript errors and console errors a page reports; a test may expect some by text."""

    def __init__(self):
        self.errors = []
        self.expected = []

    def watch(self, page):
        """Record what ``page`` reports from now on."""
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        page.on("console", self.on_message)

    def on_message(self, message):
        """Keep a console message if it is an error."""
        if message.type == "error":
            self.errors.append(f"console: {message.text} ({message.location.get('url')})")

    def expect(self, text):
        """Allow console errors containing ``text`` (a 404 page logs its own status)."""
        self.expected.append(text)

    def unexpected(self):
        """The errors no test expected."""
        return [e for e in self.errors if not any(text in e for text in self.expected)]


@pytest.fixture
def console():
    """The test's console; the test fails if any page reported an unexpected error."""
    watcher = Console()
    yield watcher
    assert watcher.unexpected() == []


@pytest.fixture
def page(page, console):
    """A page whose JavaScript errors fail the test."""
    console.watch(page)
    return page


def sign_in(page, role):
    """Sign in through the sign-in form with the role's demo account."""
    username, password = ACCOUNTS[role]
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    # On a phone the button is folded away in the menu: present is enough.
    expect(page.get_by_role("button", name="Sign out", include_hidden=True)).to_have_count(1)


@pytest.fixture(scope="session")
def signed_in_state(browser, browser_context_args, tmp_path_factory):
    """``signed_in_state(role)``: the cookies of a sign-in through the form, once per role."""
    states = {}

    def state(role):
        if role not in states:
            context = browser.new_context(**browser_context_args)
            sign_in(context.new_page(), role)
            states[role] = context.storage_state(path=tmp_path_factory.mktemp(role) / "state.json")
            context.close()
        return states[role]

    return state


@pytest.fixture
def staff_page(new_context, console, signed_in_state):
    """``staff_page("reception")``: a page in a browser of its own, signed in with that role."""

    def open_page(role):
        page = new_context(storage_state=signed_in_state(role)).new_page()
        console.watch(page)
        return page

    return open_page


def clinic_today():
    """Today at the clinic (the app's default time zone), as the server sees it."""
    return datetime.now(ZoneInfo("America/Chicago")).date()


UNLABELLED_FIELDS = """() => Array.from(document.querySelectorAll("input, select, textarea"))
    .filter(field => !["hidden", "submit", "button", "reset", "image"].includes(field.type))
    .filter(field => !Array.from(field.labels || []).some(label => label.textContent.trim())
                     && !(field.getAttribute("aria-label") || "").trim()
                     && !field.getAttribute("aria-labelledby"))
    .map(field => field.outerHTML)"""


def unlabelled_fields(page):
    """The form fields of the page that no label names (by <label for>, wrapping, or aria)."""
    return page.evaluate(UNLABELLED_FIELDS)


def horizontal_overflow(page):
    """How many pixels the page is wider than the screen (0 when nothing sticks out)."""
    # Not window.innerWidth: a phone's browser widens its layout viewport to the content.
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def screenshot(page, name):
    """Save a full-page screenshot under artifacts/screenshots/ for CI to keep."""
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


# Every page of the app, for the tests that visit them all (accessibility, languages).
# Not pages: the public, static and machine endpoints; the JSON API and its documentation
# (Swagger UI's own page, not ours); a CSV download; signing out (a POST).
NOT_PAGES = {"static", "bootstrap.static", "ops.healthz", "ops.readyz", "calendar_feed.feed",
             "reminders.call_list", "auth.logout",
             "unsubscribe.confirm",  # public: checked signed out, with a token signed for it
             # A message's HTML body alone, served with CSP sandbox (no script can run in it,
             # axe's neither): the preview page that frames it is checked.
             "message_templates.html"}

# States of pages that their route with ids alone does not show.
EXTRA_PATHS = [
    "/owners?lastName=Page",  # a page of results
    "/owners?lastName=Nobody",  # no owner found
    "/schedule?view=week&vet={vet_id}",
    "/appointments/new?lastName=Davis",  # whose pet? two candidates
]


@pytest.fixture(scope="module")
def records(clinic_database):
    """Ids of demo records for every URL argument: George Franklin's cat Leo, and his things.

    The demo clinic has no alerts: Leo gets one for this module (its removal page is checked),
    taken away after it, so the other browser tests see the demo clinic as it is.
    """
    engine = sa.create_engine(clinic_database, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as db:
            leo = db.scalar(sa.select(Pet.id).join(Owner).where(
                Owner.last_name == "Franklin", Pet.name == "Leo"))
            alert = db.scalar(sa.insert(PetAlert).values(
                pet_id=leo, text="Nervous with strangers", severity="caution",
                created_at=datetime.now(UTC), created_by="axe").returning(PetAlert.id))
        with engine.connect() as db:
            owner = db.scalar(sa.select(Owner.id).where(Owner.last_name == "Franklin"))
            pet = db.scalar(sa.select(Pet.id).where(Pet.owner_id == owner, Pet.name == "Leo"))
            first = sa.func.min
            ids = {
                "owner_id": owner,
                "pet_id": pet,
                "appointment_id": db.scalar(sa.select(first(Appointment.id)).where(
                    Appointment.pet_id == pet, Appointment.status == "scheduled")),
                "visit_id": db.scalar(sa.select(first(Visit.id)).where(Visit.pet_id == pet)),
                "vaccination_id": db.scalar(
                    sa.select(first(Vaccination.id)).where(Vaccination.pet_id == pet)),
                # The vet with the demo's absence (its removal page is under its vet).
                "vet_id": db.scalar(sa.select(first(Absence.vet_id))),
                "user_id": db.scalar(sa.select(User.id).where(User.username == "reception")),
                "type_id": db.scalar(sa.select(first(AppointmentType.id))),
                "absence_id": db.scalar(sa.select(first(Absence.id))),
                "alert_id": db.scalar(sa.select(first(PetAlert.id)).where(PetAlert.pet_id == pet)),
                "day": str(db.scalar(sa.select(first(ClinicClosure.day)))),
                "message_kind": "confirmation",  # a message template
                "kind": "pettype",  # a kind of reference data, and one of its rows
                "row_id": db.scalar(sa.select(Pet.type_id).where(Pet.id == pet)),
                "other_id": db.scalar(sa.select(first(Owner.id)).where(Owner.id != owner)),
                "message_id": db.scalar(sa.select(first(Message.id))),
            }
            ids["token"] = URLSafeTimedSerializer(SECRET_KEY, salt=SALT).dumps({"owner": owner})
        missing = [name for name, value in ids.items() if value is None]
        assert not missing, f"the demo clinic has no record for {missing}"
        yield ids
    finally:
        with engine.begin() as db:
            db.execute(sa.delete(PetAlert).where(PetAlert.id == alert))
        engine.dispose()


@pytest.fixture(scope="module")
def page_paths(clinic_database, records):
    """Every page's path: each GET route of the app with demo ids, then the extra states."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": clinic_database, "SECRET_KEY": "axe",
                      "TESTING": True})
    paths, unknown = [], []
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if rule.endpoint in NOT_PAGES or rule.endpoint.startswith("api") or "GET" not in rule.methods:
            continue
        if missing := rule.arguments - set(records):
            unknown.append(f"{rule.endpoint} ({rule.rule}) needs {sorted(missing)}")
            continue
        paths.append(rule.build({name: records[name] for name in rule.arguments},
                                append_unknown=False)[1])
    assert not unknown, (
        "no demo record for these URL arguments: add them to `records` in "
        f"{Path(__file__).name}:\n" + "\n".join(unknown))
    return paths + [path.format(**records) for path in EXTRA_PATHS]
