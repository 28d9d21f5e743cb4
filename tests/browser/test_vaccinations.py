"""Vaccinations in a real browser: a dose given at completion and its next due date; the
certificate and record printed to PDF by Chromium: one page, with the vaccinations."""

import re
import zlib
from datetime import datetime, time

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.models import Appointment, AppointmentStatus, Owner, Pet, Vaccination, Vet
from app.vaccinations.due_dates import add_months
from tests.browser.conftest import SCREENSHOTS, clinic_today, screenshot

pytestmark = pytest.mark.slow

PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def pdf_page_count(pdf):
    """The pages of a PDF: its page objects (no PDF library is installed; Chromium's PDFs
    keep their page dictionaries uncompressed)."""
    return len(PAGE_OBJECT.findall(pdf))


def pdf_text(pdf):
    """The text a PDF shows, decoded through its fonts' ToUnicode maps (enough for Chromium's
    PDFs: Flate streams, hex glyph strings, bfchar/bfrange maps), concatenated."""
    streams = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            streams.append(zlib.decompress(match[1]))
        except zlib.error:
            streams.append(match[1])
    glyphs = {}
    for stream in streams:
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
            for code, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                glyphs[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
            for first, last, text in re.findall(
                rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
            ):
                start = int(text, 16)
                for offset, code in enumerate(range(int(first, 16), int(last, 16) + 1)):
                    glyphs[code] = chr(start + offset)
    shown = []
    for stream in streams:
        if b"BT" not in stream:
            continue
        for hex_string in re.findall(rb"<([0-9A-Fa-f]+)>\s*Tj|\[(.*?)\]\s*TJ", stream):
            parts = [hex_string] if isinstance(hex_string, bytes) else hex_string
            for part in parts:
                for code in re.findall(rb"<([0-9A-Fa-f]+)>", part) or [part]:
                    code = code.decode()
                    width = 4 if len(code) % 4 == 0 else 2
                    shown.extend(glyphs.get(int(code[i:i + width], 16), "")
                                 for i in range(0, len(code), width))
    return "".join(shown)


@pytest.fixture(scope="session")
def rosy_checked_in(clinic_database):
    """An appointment of Rosy (a dog, DHPP due soon in the demo clinic) with Carter at midnight
    today, scheduled: on its day, so the desk can check it in. Ids."""
    today = clinic_today()
    engine = sa.create_engine(clinic_database, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as db:
            rosy = db.scalar(sa.select(Pet.id).where(Pet.name == "Rosy"))
            owner = db.scalar(sa.select(Pet.owner_id).where(Pet.id == rosy))
            carter = db.scalar(sa.select(Vet.id).where(Vet.last_name == "Carter"))
            starts_at = datetime.combine(today, time.min)
            appointment = db.scalar(sa.insert(Appointment).values(
                pet_id=rosy, vet_id=carter, starts_at=starts_at, duration_minutes=15,
                ends_at=starts_at.replace(minute=15), reason="annual shots",
                status=AppointmentStatus.SCHEDULED, created_at=datetime.now().astimezone(),
                updated_at=datetime.now().astimezone(),
            ).returning(Appointment.id))
    finally:
        engine.dispose()
    return {"appointment": appointment, "owner": owner, "pet": rosy}


def test_completing_with_a_vaccination_shows_the_next_due_date(staff_page, rosy_checked_in):
    appointment = rosy_checked_in["appointment"]
    desk = staff_page("reception")
    desk.goto(f"/appointments/{appointment}")
    desk.get_by_label("Weight (kg, optional)").fill("4.35")  # weighed at the desk
    desk.get_by_role("button", name="Check in with weight").click()
    expect(desk.get_by_text("Rosy's appointment checked in.")).to_be_visible()

    vet = staff_page("vet")
    vet.goto(f"/appointments/{appointment}/complete")
    due = vet.locator("#vaccinations-due")
    expect(due).to_contain_text("DHPP: due")  # what could be given in the same visit
    expect(due).to_contain_text("overdue")  # her rabies dose
    vet.get_by_label("What happened").fill("Annual check; DHPP given.")
    vet.get_by_label("Vaccine given").select_option(label="DHPP")
    vet.get_by_label("Batch (lot)").fill("DH-BROWSER-1")
    screenshot(vet, "flow-complete-with-vaccination-desktop")
    vet.get_by_role("button", name="Complete", exact=True).click()
    expect(vet.locator(".alert").first).to_contain_text("completed and the visit recorded")

    vet.goto(f"/owners/{rosy_checked_in['owner']}/pets/{rosy_checked_in['pet']}/vaccinations")
    next_due = add_months(clinic_today(), 12)
    dhpp = vet.locator(".next-doses tbody tr").filter(has_text="DHPP")
    expect(dhpp).to_contain_text(f"{next_due:%d %b %Y}")
    expect(vet.locator(".vaccination-history")).to_contain_text("DH-BROWSER-1")
    screenshot(vet, "pet-vaccinations-desktop")

    # The pet's page, its whole record: the next due date and the weight taken at check-in.
    vet.goto(f"/owners/{rosy_checked_in['owner']}/pets/{rosy_checked_in['pet']}")
    expect(vet.locator(".next-doses tbody tr").filter(has_text="DHPP")).to_contain_text(
        f"{next_due:%d %b %Y}")
    expect(vet.locator(".pet-weights table")).to_contain_text("4.35")


@pytest.fixture(scope="session")
def leo(clinic_database):
    """George Franklin's cat Leo (with demo vaccinations): owner and pet ids, his batches."""
    engine = sa.create_engine(clinic_database, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as db:
            owner = db.scalar(sa.select(Owner.id).where(Owner.last_name == "Franklin"))
            pet = db.scalar(sa.select(Pet.id).where(Pet.owner_id == owner, Pet.name == "Leo"))
            batches = db.scalars(sa.select(Vaccination.batch).where(Vaccination.pet_id == pet))
            return {"owner": owner, "pet": pet, "batches": sorted(batches)}
    finally:
        engine.dispose()


@pytest.mark.parametrize(("path", "heading"), [("vaccinations/certificate", "Vaccination certificate"),
                                               ("record", "Patient record")])
def test_the_printed_page_is_one_pdf_page_with_the_vaccinations(staff_page, leo, path, heading):
    page = staff_page("reception")
    page.goto(f"/owners/{leo['owner']}/pets/{leo['pet']}/{path}")
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    assert leo["batches"], "the demo clinic gives Leo vaccinations"

    pdf = page.pdf(format="Letter", print_background=True)
    (SCREENSHOTS / f"print-{path.replace('/', '-')}.pdf").write_bytes(pdf)

    assert pdf_page_count(pdf) == 1
    text = pdf_text(pdf)
    for batch in leo["batches"]:
        assert batch in text, (batch, text[:500])
    assert "PetClinic Madison" in text and "George Franklin" in text
    assert "Back to" not in text  # the toolbar is for the screen only
    # The print stylesheet, not the screen's layout, decided that page: the toolbar is hidden.
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_hidden()
