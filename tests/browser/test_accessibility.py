"""axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) on every page, for every role: no violation.

The pages are not listed by hand: every GET route the app registers is opened with ids of the
demo clinic's records (as tests/test_auth.py's ACCESS table covers every route), so a page added
later is checked without anyone remembering to. A few states a route alone does not reach (a
search result, the week view, a form sent back with errors) are added below.

axe-core comes from the npm registry, pinned in tests/browser/package.json and its lock file;
`make test` installs it (npm ci). It is injected as an init script, which the pages' Content
Security Policy does not govern, so the pages are checked exactly as served.
"""

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app import create_app
from app.models import Absence, AppointmentType, Appointment, Owner, Pet, User, Vaccination, Vet, Visit
from tests.browser.conftest import ACCOUNTS, PHONE, horizontal_overflow, screenshot

pytestmark = pytest.mark.slow

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2, A and AA; and axe's best practices, which hold headings in order and
# landmarks distinct (WCAG 1.3.1 and 2.4.6 in spirit, not tagged so by axe).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
ROLES = sorted(ACCOUNTS)

# Not pages: the public, static and machine endpoints; the JSON API and its documentation
# (Swagger UI's own page, not ours); a CSV download; signing out (a POST).
NOT_PAGES = {"static", "bootstrap.static", "ops.healthz", "ops.readyz", "calendar_feed.feed",
             "reminders.call_list", "auth.logout"}

# States of pages that their route with ids alone does not show.
EXTRA_PATHS = [
    "/owners?lastName=Page",  # a page of results
    "/owners?lastName=Nobody",  # no owner found
    "/schedule?view=week&vet={vet_id}",
    "/appointments/new?lastName=Davis",  # whose pet? two candidates
]

RUN_AXE = """tags => axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
}).then(result => result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html,
                              summary: n.failureSummary})),
})))"""


@pytest.fixture(scope="session")
def axe_script():
    """axe-core's script, or a skip that says how to get it (a failure under CI)."""
    if not AXE.exists():
        message = f"{AXE} is missing: run `make test`, or `npm ci --prefix tests/browser`"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return AXE


@pytest.fixture(scope="session")
def records(clinic_database):
    """Ids of demo records for every URL argument: George Franklin's cat Leo, and his things."""
    engine = sa.create_engine(clinic_database, poolclass=sa.pool.NullPool)
    try:
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
                "vet_id": db.scalar(sa.select(Vet.id).where(Vet.last_name == "Carter")),
                "user_id": db.scalar(sa.select(User.id).where(User.username == "reception")),
                "type_id": db.scalar(sa.select(first(AppointmentType.id))),
                "absence_id": db.scalar(sa.select(first(Absence.id))),
            }
    finally:
        engine.dispose()
    missing = [name for name, value in ids.items() if value is None]
    assert not missing, f"the demo clinic has no record for {missing}"
    return ids


@pytest.fixture(scope="session")
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


# Buttons (and links drawn as buttons) of the main content that share an accessible name but do
# different things: a screen reader's list of them reads "Cancel, Cancel, Cancel". The name is
# what the element says (aria-label, else its text, visually hidden words included); what it
# does is where it goes: a link's address, a button's form action and fields.
REPEATED_NAMES = """() => {
    const seen = new Map(), repeated = new Set();
    for (const el of document.querySelectorAll("main button, main a.btn, main input[type=submit]")) {
        if (!el.checkVisibility()) continue;
        const name = (el.getAttribute("aria-label") || el.textContent || el.value || "")
            .replace(/\\s+/g, " ").trim();
        let does = el.getAttribute("href");
        if (el.form) {
            const data = new FormData(el.form);
            data.delete("csrf_token");
            does = (el.getAttribute("formaction") || el.form.action) + "?" + new URLSearchParams(data);
        }
        if (seen.has(name) && seen.get(name) !== does) repeated.add(name);
        seen.set(name, does);
    }
    return [...repeated];
}"""


def describe(path, violations):
    """Violations as lines a person can act on: the rule, why, and each offending element."""
    lines = []
    for violation in violations:
        lines.append(f"{path}: {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}: {node['html'][:160]}\n      {summary[:300]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return lines


def axe_violations(page, path=None):
    """What axe-core finds wrong with the page on show, and any buttons that share a name
    but do different things, as readable lines (none: [])."""
    path = path or page.url
    return describe(path, page.evaluate(RUN_AXE, WCAG_TAGS)) + [
        f"{path}: several buttons named {name!r} do different things: add each its row's "
        "words with row_name() from templates/_a11y.html"
        for name in page.evaluate(REPEATED_NAMES)]


@pytest.fixture
def axe_page(new_context, console, signed_in_state, axe_script):
    """``axe_page(role)``: a page signed in with that role (None: signed out), axe loaded."""

    def open_page(role=None, **context_args):
        state = signed_in_state(role) if role else None
        context = new_context(storage_state=state, **context_args)
        context.add_init_script(path=axe_script)
        page = context.new_page()
        console.watch(page)
        return page

    return open_page


@pytest.mark.parametrize("role", ROLES)
def test_every_page_has_no_accessibility_violations(axe_page, console, page_paths, role):
    page = axe_page(role)
    problems, forbidden_seen = [], False
    console.expect("403")  # a page the role may not see answers 403, and the browser logs it
    for path in page_paths:
        response = page.goto(path)
        assert response.status in (200, 403), f"{role} {path}: {response.status}"
        if response.status == 403:
            if forbidden_seen:  # one refusal page is enough: they are all the same page
                continue
            forbidden_seen = True
        problems += axe_violations(page, f"{role} {path}")
    assert not problems, "\n".join(problems)


def test_signed_out_pages_have_no_accessibility_violations(axe_page, console):
    page = axe_page()
    problems = []
    page.goto("/login")
    problems += axe_violations(page, "/login")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".alert, .invalid-feedback").first).to_be_visible()
    problems += axe_violations(page, "/login, refused")
    console.expect("401")  # the refused sign-in's status
    console.expect("404")
    page.goto("/no-such-page")
    problems += axe_violations(page, "/no-such-page")
    assert not problems, "\n".join(problems)
