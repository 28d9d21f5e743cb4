"""Every page speaks the language asked for: no English left on a Spanish, French or German page.

Every GET route of the app (the pages tests/browser/conftest.py lists for the accessibility
tests) is rendered for every role in English and in each other language, with the test client
on the demo clinic. A text the reader sees (a text node, or a placeholder, title, aria-label,
alt, or a button's value) that is the same on the English page and on the other page fails,
unless its words are all the clinic's own data (names, reasons, pet types: whatever the
database holds is written in the language it was typed in) or in the short list of words the
two languages share. A page added later is checked without anyone remembering to; a string
someone forgot to mark, or a date written with strftime, shows up here.

Then, in a real browser, a receptionist switches the app to Spanish on the account page and
books an appointment end to end, reading only the Spanish pages.
"""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from babel.dates import format_date
from babel.support import Translations
from playwright.sync_api import expect

from app import create_app
from app.extensions import db
from app.i18n import LANGUAGES, SOURCE_LANGUAGE, TRANSLATIONS
from app.models import Pet, User
from tests.browser.conftest import ACCOUNTS, SECRET_KEY, clinic_today

pytestmark = pytest.mark.slow

OTHERS = sorted(set(LANGUAGES) - {SOURCE_LANGUAGE})

# Words a page may write the same in English and in the language: names of things, and words
# the languages share. Kept short: each is a word a translator would write as it is.
SAME_WORDS = {
    "*": {"PetClinic", "API", "CSV", "ID", "OK", "URL", "UTC", "iCal", "ICS", "SMTP", "HTML",
          "JSON", "Swagger", "Bearer", "pct", "Argon", "Accept", "Language", "English",
          "Español", "Français", "Deutsch", "kg", "min", "h"},
    "es": {"No", "Total", "Email", "Normal", "Hamster", "Error", "Color", "Local", "Chip",
           "Microchip"},
    "fr": {"Notes", "Total", "Email", "Type", "Types", "Message", "Messages", "Absence",
           "Absences", "Normal", "Hamster", "Date", "Actions", "Action", "Note", "Pages",
           "Page", "Description", "Information", "Informations", "Service", "Options",
           "Minutes", "Sections", "Animal", "Animaux", "Contact", "Format", "Statut", "Sexe",
           "Vaccinations", "Vaccination", "Confirmation", "Danger", "Addenda", "Addendum"},
    "de": {"Name", "Status", "Email", "Hamster", "Minuten", "Total", "Start", "Details",
           "Format", "Service", "Information", "Tokens", "Token", "Filter", "Chip", "Mikrochip",
           "Team", "Test", "Text"},
}
WORD = re.compile(r"[^\W\d_]{2,}")
# Attributes whose words a person reads (or hears, from a screen reader).
READ_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt", "aria-description"}


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
# Elements whose text is not the app's words: code, and what a page marks translate="no" (an
# email's headers as sent), which tells a browser's translator the same.
NOT_WORDS = {"script", "style", "code", "pre"}


class Texts(HTMLParser):
    """The texts of a page a person reads, and the language its <html> declares."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts, self.lang, self.open = [], None, [False]

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang")
        skipped = self.open[-1] or tag in NOT_WORDS or attributes.get("translate") == "no"
        if tag not in VOID:
            self.open.append(skipped)
        if skipped:
            return
        for name in READ_ATTRIBUTES & set(attributes):
            self.texts.append(attributes[name])
        if tag == "input" and attributes.get("type") in ("submit", "button"):
            self.texts.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag not in VOID and len(self.open) > 1:
            self.open.pop()

    def handle_data(self, data):
        if not self.open[-1]:
            self.texts.append(data)


def read(html):
    parser = Texts()
    parser.feed(html)
    return parser.lang, {" ".join(text.split()) for text in parser.texts if text.strip()}


@pytest.fixture(scope="module")
def app(clinic_database):
    """The app in process on the demo clinic; its pool is closed after the module, since a
    pooled connection left to the garbage collector warns (and fails) in whatever test runs then."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": clinic_database, "SECRET_KEY": SECRET_KEY,
                      "TESTING": True, "WTF_CSRF_ENABLED": False})
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def clinic_words(app):
    """Every word the demo clinic's data holds (names, reasons, types ...), lower-cased.

    A column of fixed values (a status, a role: an enum) is not data a person typed: those
    are words of the app, which the pages must translate."""
    words = set()
    with app.app_context():
        # The clinic's own name, address and telephone, as configured.
        for name in ("CLINIC_NAME", "CLINIC_ADDRESS", "CLINIC_PHONE"):
            words.update(word.lower() for word in WORD.findall(app.config[name]))
        for table in db.metadata.sorted_tables:
            columns = [column for column in table.columns
                       if isinstance(column.type, sa.String) and not isinstance(column.type, sa.Enum)]
            for column in columns:
                for value in db.session.scalars(sa.select(column).distinct()):
                    words.update(word.lower() for word in WORD.findall(value or ""))
        db.session.remove()
    return words


def signed_in_client(app, role):
    client = app.test_client()
    username, password = ACCOUNTS[role]
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, f"{role} could not sign in"
    return client


def english_left(texts, english, language, clinic_words):
    """The texts shown in ``language`` that are the English page's, word for word."""
    allowed = {word.lower() for word in SAME_WORDS["*"] | SAME_WORDS[language]} | clinic_words
    return sorted(text for text in texts & english
                  if any(word.lower() not in allowed for word in WORD.findall(text)))


@pytest.mark.parametrize("role", sorted(ACCOUNTS))
def test_every_page_is_in_the_language_asked_for(app, page_paths, clinic_words, role):
    client, problems = signed_in_client(app, role), []
    for path in page_paths:
        english = client.get(path, headers={"Accept-Language": "en"})
        if english.status_code != 200:
            continue  # a page the role may not see: the 403 page is checked below
        _lang, english_texts = read(english.get_data(as_text=True))
        for language in OTHERS:
            page = client.get(path, headers={"Accept-Language": language})
            assert page.status_code == 200, f"{role} {path} in {language}: {page.status_code}"
            lang, texts = read(page.get_data(as_text=True))
            if lang != language:
                problems.append(f"{path} ({language}): <html lang={lang!r}>")
            problems += [f"{path} ({language}): {text!r}"
                         for text in english_left(texts, english_texts, language, clinic_words)]
    assert not problems, f"{role}: English on other languages' pages:\n" + "\n".join(problems)


def test_error_pages_and_the_sign_in_page_are_in_the_language_asked_for(app, clinic_words):
    client = app.test_client()
    reception = signed_in_client(app, "reception")
    problems = []
    for who, path in [(client, "/login"), (reception, "/no-such-page"), (reception, "/users"),
                      (reception, "/owners/0")]:
        english = who.get(path, headers={"Accept-Language": "en"})
        _lang, english_texts = read(english.get_data(as_text=True))
        for language in OTHERS:
            page = who.get(path, headers={"Accept-Language": language})
            assert page.status_code == english.status_code
            lang, texts = read(page.get_data(as_text=True))
            problems += [f"{path} ({language}): {text!r}"
                         for text in english_left(texts, english_texts, language, clinic_words)]
            if lang != language:
                problems.append(f"{path} ({language}): <html lang={lang!r}>")
    assert not problems, "\n".join(problems)


def spanish():
    """The Spanish catalog, to read the pages as a Spanish-speaking receptionist does."""
    catalog = Translations.load(str(TRANSLATIONS), ["es"])
    assert catalog.gettext("Book appointment") != "Book appointment", "no Spanish catalog"
    return catalog.gettext


@pytest.fixture
def reception_language_restored(clinic_database):
    """The demo receptionist's language as it was after the test, pass or fail: the other
    browser tests on this worker sign in as reception and read English pages."""
    engine = sa.create_engine(clinic_database, poolclass=sa.pool.NullPool)
    with engine.connect() as connection:  # an owner of the demo clinic with a pet
        yield connection.execute(sa.select(Pet.owner_id, Pet.name).order_by(Pet.id)).first()
    with engine.begin() as connection:
        connection.execute(sa.update(User).where(User.username == "reception").values(locale=None))
    engine.dispose()


def test_a_receptionist_switches_to_spanish_and_books_an_appointment(
        staff_page, reception_language_restored):
    es = spanish()
    page = staff_page("reception")
    page.goto("/account")
    page.get_by_label("Language of your pages").select_option(label="Español")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_text(es("Your pages are in %(language)s now.") % {"language": "Español"})
           ).to_be_visible()

    day = clinic_today() + timedelta(days=8)
    while day.weekday() >= 5:  # Helen Leary works weekdays in the demo clinic
        day += timedelta(days=1)
    owner_id, pet_name = reception_language_restored
    page.goto(f"/owners/{owner_id}")
    card = page.locator(".pet-card").filter(has=page.get_by_role("heading", name=pet_name))
    card.get_by_role("link", name=es("Book appointment")).click()
    expect(page.get_by_role("heading", name=es("Book an appointment"))).to_be_visible()
    page.get_by_label(es("Vet")).select_option(label="Helen Leary")
    page.get_by_label(es("Date")).fill(day.isoformat())  # a date input keeps its ISO value
    page.get_by_label(es("Start time")).fill("09:30")
    page.get_by_label(es("Duration (minutes)")).fill("30")
    page.get_by_label(es("Reason")).fill("Revisión anual")
    page.get_by_role("button", name=es("Book"), exact=True).click()

    # Spanish dates, as Babel writes them for "es": "3 dic 2026".
    spanish_day = format_date(day, "medium", locale="es")
    expect(page.locator(".alert-success")).to_contain_text(spanish_day)
    expect(page.locator(".alert-success")).to_contain_text("09:30")
    upcoming = card.locator("table").first
    expect(upcoming).to_contain_text(f"{spanish_day} 09:30")
    expect(upcoming).to_contain_text("Revisión anual")

    page.goto(f"/appointments?date={day.isoformat()}")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    row = page.locator("tbody tr").filter(has_text="Revisión anual")
    expect(row).to_contain_text("09:30–10:00")
    expect(row).to_contain_text(es("Scheduled"))
    # Back to the browser's language, on the account page, in Spanish.
    page.goto("/account")
    page.get_by_label(es("Language of your pages")).select_option(value="")
    page.get_by_role("button", name=es("Save")).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
