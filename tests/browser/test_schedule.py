"""The schedule grid in a real browser: book from a free slot, and a phone's one column."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.seed.demo_working_time import closure_day
from tests.browser.conftest import PHONE, clinic_today, horizontal_overflow, screenshot

pytestmark = pytest.mark.slow


def test_booking_from_a_free_slot_on_the_grid_puts_the_block_there(staff_page):
    day = clinic_today() + timedelta(days=9)
    # Helen Leary's demo rota is Monday to Friday, and the demo clinic closes one of them.
    while day.weekday() >= 5 or day == closure_day(clinic_today()):
        day += timedelta(days=1)
    page = staff_page("reception")
    page.goto("/owners?lastName=McTavish")  # one owner: straight to his page
    page.locator(".pet-card").filter(has=page.get_by_role("heading", name="George")).get_by_role(
        "link", name="Book appointment").click()
    page.get_by_role("link", name="Find on the schedule").click()
    expect(page.locator("#pet-context")).to_contain_text("Booking for George")

    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name=f"Schedule, {day:%A} {day:%d %b %Y}")).to_be_visible()
    screenshot(page, "flow-schedule-day-desktop")
    page.get_by_role("link", name=f"Book Helen Leary on {day:%d %b %Y} at 15:00").click()

    expect(page.get_by_role("heading", name="Book an appointment")).to_be_visible()
    expect(page.get_by_label("Vet").locator("option:checked")).to_have_text("Helen Leary")
    expect(page.get_by_label("Date")).to_have_value(day.isoformat())
    expect(page.get_by_label("Start time")).to_have_value("15:00")
    expect(page.get_by_label("Duration (minutes)")).to_have_value("30")
    page.get_by_label("Reason").fill("Shedding check")
    page.get_by_role("button", name="Book").click()
    expect(page.get_by_text(f"Booked George on {day:%d %b %Y} at 15:00.")).to_be_visible()

    page.goto(f"/schedule?date={day.isoformat()}")
    block = page.locator("#schedule td.slot-block").filter(has_text="Shedding check")
    expect(block).to_contain_text("15:00–15:30")
    expect(block).to_contain_text("George")
    expect(block).to_contain_text("Peter McTavish")
    expect(block).to_have_attribute("rowspan", "2")
    # In Leary's column: the header above the block's column.
    column = block.evaluate(
        """cell => { const table = cell.closest('table');
                     const head = [...table.tHead.rows[0].cells];
                     const x = cell.getBoundingClientRect().left + 2;
                     return head.find(h => { const r = h.getBoundingClientRect();
                                             return r.left <= x && x <= r.right; }).innerText; }""")
    assert "Helen Leary" in column
    screenshot(page, "flow-schedule-booked-desktop")


@pytest.mark.browser_context_args(viewport=PHONE, is_mobile=True, has_touch=True)
def test_a_phone_shows_one_vet_at_a_time_without_sideways_scrolling(staff_page):
    # A Tuesday to Thursday within the coming week: the demo's vets work then, and its
    # closure and absence are further ahead.
    day = next(clinic_today() + timedelta(days=n) for n in range(2, 9)
               if (clinic_today() + timedelta(days=n)).weekday() in (1, 2, 3))
    page = staff_page("reception")
    page.goto(f"/schedule?date={day.isoformat()}")
    heads = page.locator("#schedule thead th")
    visible = [text for text, shown in zip(heads.all_inner_texts(),
                                           [h.is_visible() for h in heads.all()], strict=True)
               if shown]
    assert len(visible) == 2  # the times and one vet
    assert horizontal_overflow(page) <= 0
    screenshot(page, "schedule-day-phone")

    page.get_by_role("navigation", name="Vets").get_by_role("link", name="Helen Leary").click()
    expect(page.locator("#schedule thead th.focus")).to_contain_text("Helen Leary")
    expect(page.locator("#schedule thead th.focus")).to_be_visible()
    assert horizontal_overflow(page) <= 0

    page.locator("#schedule thead th.focus").get_by_role("link", name="Helen Leary").click()
    expect(page.get_by_role("heading", name=re.compile("Helen Leary: week of"))).to_be_visible()
    # Waited for, not counted at once: the heading can be on screen before the clicked
    # page's schedule.css applies (seen under two workers' load: all 8 columns still shown).
    expect(page.locator("#schedule thead th:visible")).to_have_count(2)
    assert horizontal_overflow(page) <= 0
    screenshot(page, "schedule-week-phone")
