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
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ACCOUNTS, PHONE, horizontal_overflow, screenshot

pytestmark = pytest.mark.slow

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2, A and AA; and axe's best practices, which hold headings in order and
# landmarks distinct (WCAG 1.3.1 and 2.4.6 in spirit, not tagged so by axe).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
ROLES = sorted(ACCOUNTS)

# iframes: false: the only frame is a message preview's sandboxed body, where axe cannot run
# (it would wait for an answer from it on every such page).
RUN_AXE = """tags => axe.run(document, {
    runOnly: {type: "tag", values: tags},
    iframes: false,
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
    # After a click that sends a form, the next page's text can be on show (and an expect() on
    # it pass) while its stylesheets still load: axe would then measure unstyled links (the
    # skip link 17 px high, a target-size violation). goto() waits for "load"; so does this.
    page.wait_for_load_state("load")
    return describe(path, page.evaluate(RUN_AXE, WCAG_TAGS)) + [
        f"{path}: several buttons named {name!r} do different things: add each its row's "
        "words with row_name() from templates/_a11y.html"
        for name in page.evaluate(REPEATED_NAMES)]


@pytest.fixture
def axe_page(browser, browser_context_args, console, signed_in_state, axe_script):
    """``axe_page(role, **context)``: a page signed in with that role (None: signed out), with
    axe loaded; ``context`` overrides the browser context's arguments (a phone's viewport)."""
    contexts = []

    def open_page(role=None, **context_args):
        state = signed_in_state(role) if role else None
        context = browser.new_context(**{**browser_context_args, **context_args,
                                         "storage_state": state})
        contexts.append(context)
        context.add_init_script(path=axe_script)
        page = context.new_page()
        console.watch(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


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


def test_signed_out_pages_have_no_accessibility_violations(axe_page, console, records):
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
    page.goto(f"/unsubscribe/{records['token']}")
    problems += axe_violations(page, "/unsubscribe/<token>")
    page.get_by_role("button", name="Stop reminder emails").click()
    expect(page.get_by_role("status")).to_contain_text("no more vaccination reminders")
    problems += axe_violations(page, "/unsubscribe/<token>, done")
    console.expect("404")
    page.goto("/no-such-page")
    problems += axe_violations(page, "/no-such-page")
    assert not problems, "\n".join(problems)


def test_forms_sent_back_with_errors_pass_axe_and_focus_the_first_error(axe_page):
    page = axe_page("reception")
    page.goto("/owners/new")
    page.get_by_label("Last name").fill("Only")
    page.get_by_role("button", name="Save owner").click()
    first_name = page.get_by_label("First name")
    expect(first_name).to_be_focused()
    expect(first_name).to_have_attribute("aria-invalid", "true")
    expect(first_name).to_have_accessible_description("This field is required.")
    expect(page.get_by_label("Last name")).not_to_have_attribute("aria-invalid", "true")
    problems = axe_violations(page, "/owners/new, refused")

    page.goto("/owners/find")
    expect(page.get_by_role("main").get_by_role("searchbox")).to_be_focused()
    assert not problems, "\n".join(problems)


def test_the_skip_link_is_the_first_stop_and_lands_on_the_content(axe_page):
    page = axe_page("reception")
    page.goto("/appointments")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # hidden until focused, then shown
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")  # the next stop is inside the content, not the navigation
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def test_day_sheet_buttons_say_whose_appointment_they_change(axe_page):
    page = axe_page("reception")
    page.goto("/appointments")
    # Any appointment still to check in (other browser files on this worker may have checked
    # in, completed or cancelled some of the demo's): its buttons name its pet and time.
    row = page.locator("section tbody tr").filter(
        has=page.get_by_role("button", name=re.compile(r"^Check in "))).first
    pet = row.locator('td[data-label="Pet"]').inner_text().split(" (")[0]
    when = row.get_by_role("link", name=re.compile(r"^\d\d:\d\d–")).inner_text()[:5]
    expect(row.get_by_role("button", name=f"Check in {pet}, {when}", exact=True)).to_be_visible()
    # Cancelling asks first: a link to its confirmation page.
    expect(row.get_by_role("link", name=f"Cancel {pet}, {when}", exact=True)).to_be_visible()


# The pages a phone must show without sideways scrolling: (screenshot name, path).
PHONE_PAGES = [
    ("day-sheet", "/appointments"),
    ("vet-week", "/vets/{vet_id}"),
    ("schedule-day", "/schedule"),
    ("schedule-week", "/schedule?view=week&vet={vet_id}"),
]
PHONE_CONTEXT = {"viewport": PHONE, "is_mobile": True, "has_touch": True}


def test_at_390_px_the_day_sheet_week_and_schedule_fit_with_their_buttons_shown(
        axe_page, records, screenshots, capsys):
    phone = axe_page("reception", **PHONE_CONTEXT)
    desktop = axe_page("reception")
    problems = []
    for name, path in PHONE_PAGES:
        url = path.format(**records)
        phone.goto(url)
        widths = phone.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1] or widths[0] > PHONE["width"] or horizontal_overflow(phone) > 0:
            problems.append(f"{url}: {widths[0]} px wide on a {PHONE['width']} px phone")
        problems += axe_violations(phone, f"phone {url}")
        screenshot(phone, f"a11y-{name}-phone")
        desktop.goto(url)
        screenshot(desktop, f"a11y-{name}-desktop")
    with capsys.disabled():
        print(f"\nscreenshots (a11y-*-phone.png, a11y-*-desktop.png): {screenshots}")
    assert not problems, "\n".join(problems)

    # The day sheet's rows are cards: reason, status and every button on screen, no scrolling
    # (a row with buttons: other browser files on this worker may have cancelled the first).
    phone.goto("/appointments")
    row = phone.locator("section table tbody tr").filter(
        has=phone.get_by_role("button").or_(phone.get_by_role("link", name="Complete"))).first
    for label in ("Reason", "Status"):
        cell = row.locator(f'td[data-label="{label}"]')
        expect(cell).to_be_visible()
        assert within_screen(cell), f"{label} is off the screen"
    buttons = row.get_by_role("button").or_(row.get_by_role("link", name="Complete"))
    assert buttons.count() > 0
    for button in buttons.all():
        expect(button).to_be_visible()
        assert within_screen(button), f"{button.inner_text()} is off the screen"

    # A vet's week: each appointment a card with its reason and status.
    phone.goto(f"/vets/{records['vet_id']}")
    row = phone.locator("table.table-stack tbody tr").first
    for label in ("Time", "Pet", "Reason", "Status"):
        cell = row.locator(f'td[data-label="{label}"]')
        expect(cell).to_be_visible()
        assert within_screen(cell), f"the week's {label} is off the screen"


def within_screen(locator):
    """Whether the element lies within the phone's width (no sideways scrolling to reach it)."""
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
