"""Which language a page, a form's errors and a message to an owner speak.

A page: the signed-in user's choice (the account page), else the browser's Accept-Language,
else the clinic's CLINIC_LOCALE. A message to an owner: the owner's language, else the
clinic's. (That every string is translated is tests/test_catalogs.py; that no English is left
on any page is tests/browser/test_languages.py.)
"""

import re
from datetime import datetime

import pytest
import sqlalchemy as sa
from babel.support import Translations
from wtforms.i18n import get_translations

from app import config as app_config
from app.i18n import TRANSLATIONS
from app.messages.render import Slot, render
from app.messages.tokens import unsubscribe_token
from app.models import Owner, User
from tests import factories as f


def page_language(response):
    return re.search(r'<html lang="([^"]*)"', response.get_data(as_text=True)).group(1)


def catalog(language):
    return Translations.load(str(TRANSLATIONS), [language])


@pytest.mark.parametrize(("header", "language"), [
    ("de-CH,de;q=0.9,en;q=0.5", "de"),
    ("it-IT,it;q=0.9,fr;q=0.8", "fr"),  # the best the app speaks
    ("es-MX", "es"),
    ("it,pt;q=0.5", "en"),  # none it speaks: the clinic's
    (None, "en"),
])
def test_a_page_speaks_the_browsers_language_else_the_clinics(sign_in, header, language):
    client = sign_in("reception")
    headers = {"Accept-Language": header} if header else {}
    assert page_language(client.get("/owners/find", headers=headers)) == language


def test_the_clinic_locale_is_the_default_for_pages_and_the_sign_in_page(app, sign_in,
                                                                      anonymous, monkeypatch):
    monkeypatch.setitem(app.config, "CLINIC_LOCALE", "fr")
    assert page_language(sign_in("vet").get("/owners/find")) == "fr"
    assert page_language(anonymous.get("/login", headers={"Accept-Language": "it"})) == "fr"
    login = anonymous.get("/login", headers={"Accept-Language": "de"})
    assert page_language(login) == "de"
    assert catalog("de").gettext("Sign in") in login.get_data(as_text=True)


def test_the_accounts_choice_wins_over_the_browser_and_follows_the_user(app, sign_in, dbs):
    client = sign_in("reception")
    answer = client.post("/account", data={"locale": "fr"}, headers={"Accept-Language": "de"},
                         follow_redirects=True)
    french = catalog("fr")
    assert page_language(answer) == "fr"
    assert french.gettext("Your pages are in %(language)s now.") % {"language": "Français"} in \
        answer.get_data(as_text=True)
    # Another browser, another sign-in: the choice is on the account, not in a cookie.
    elsewhere = sign_in("reception")
    assert page_language(elsewhere.get("/owners/find", headers={"Accept-Language": "de"})) == "fr"
    with dbs() as session:
        assert session.scalar(sa.select(User.locale).where(User.username == "reception")) == "fr"

    back = client.post("/account", data={"locale": ""}, follow_redirects=True,
                       headers={"Accept-Language": "de"})
    assert page_language(back) == "de"
    with dbs() as session:
        assert session.scalar(sa.select(User.locale).where(User.username == "reception")) is None


def test_choosing_a_pages_language_never_asks_a_database_that_failed(
        app, connection, statements):
    """An error page for a database that failed mid-request is written in some language.
    The failed statement's rollback expired the signed-in user, and reading an expired
    attribute is a query: the account's choice is reloaded while the database answers, never
    after it failed (a restarted PostgreSQL turned the 503 page into a 500 that way)."""
    from flask import g

    from app.auth.services import find_user
    from app.extensions import db
    from app.i18n import select_locale
    from tests.staff import ensure_staff

    ensure_staff(app)
    with app.test_request_context(headers={"Accept-Language": "de"}):
        user = find_user("reception")
        user.locale = "fr"
        db.session.flush()
        g._login_user = user
        statements.reset()
        assert select_locale() == "fr"  # as loaded: the account's choice
        assert statements.count == 0

        db.session.expire(user)  # as a rollback leaves it
        assert select_locale() == "fr"  # reloaded: the database answers
        assert statements.count == 1

        db.session.expire(user)
        g.database_failure = "the database server did not reply"  # as app.postgresql notes it
        assert select_locale() == "de"  # the browser's, without asking
        assert statements.count == 1, statements.sql
        db.session.rollback()


def test_a_language_the_app_does_not_speak_is_refused_and_nothing_is_saved(sign_in, dbs):
    client = sign_in("vet")
    answer = client.post("/account", data={"locale": "it"})
    assert answer.status_code == 200
    assert "Not a valid choice" in answer.get_data(as_text=True)
    with dbs() as session:
        assert session.scalar(sa.select(User.locale).where(User.username == "vet")) is None


def test_wtforms_own_messages_follow_the_page_language(sign_in):
    client = sign_in("reception")
    answer = client.post("/owners/new", data={"last_name": "Only"},
                         headers={"Accept-Language": "de"})
    required = get_translations(["de"]).gettext("This field is required.")
    assert required != "This field is required."
    assert required in answer.get_data(as_text=True)


def test_dates_on_a_page_are_written_for_its_language(app, sign_in, dbs):
    with dbs() as session:
        owner = f.owner(session, last_name="Dupont", first_name="Claire")
        pet = f.pet(session, owner, name="Minou")
        pet.birth_date = datetime(2021, 3, 4).date()
        session.commit()
        owner_id = owner.id
    client = sign_in("reception")
    pages = {language: client.get(f"/owners/{owner_id}", headers={"Accept-Language": language})
             .get_data(as_text=True) for language in ("en", "es", "fr", "de")}
    assert "04 Mar 2021" in pages["en"]
    assert "4 mar 2021" in pages["es"]
    assert "4 mars 2021" in pages["fr"]
    assert "04.03.2021" in pages["de"]


def slot():
    return Slot(pet_name="Minou", vet_name="Helen Leary", starts_at=datetime(2026, 12, 3, 10, 0),
                duration_minutes=30, reason="check-up")


@pytest.mark.parametrize(("owner_language", "clinic", "date_text"), [
    ("es", "en", "jueves, 3 de diciembre de 2026"),
    ("de", "fr", "Donnerstag, 3. Dezember 2026"),
    (None, "fr", "jeudi 3 décembre 2026"),  # the owner has none: the clinic's
    (None, "en", "Thursday 3 December 2026 at 10:00"),
])
def test_a_message_to_an_owner_is_in_the_owners_language(app, monkeypatch, owner_language,
                                                         clinic, date_text):
    monkeypatch.setitem(app.config, "CLINIC_LOCALE", clinic)
    owner = Owner(id=1, first_name="Claire", last_name="Dupont", language=owner_language)
    english_owner = Owner(id=2, first_name="Claire", last_name="Dupont", language="en")
    # In a request by an English-speaking receptionist, as when the desk books.
    with app.test_request_context(headers={"Accept-Language": "en"}):
        subject, text, html = render("confirmation", owner, slot=slot())
        english_subject, english_text, _html = render("confirmation", english_owner, slot=slot())
    assert date_text in subject and date_text in text
    if (owner_language or clinic) != "en":
        assert subject != english_subject and text != english_text
        assert "10:00" in subject


def test_the_clinic_locale_must_be_a_language_the_app_speaks(monkeypatch):
    monkeypatch.setenv("CLINIC_LOCALE", "it")
    with pytest.raises(app_config.ConfigurationError, match="CLINIC_LOCALE must be one of"):
        app_config.from_environment()
    monkeypatch.setenv("CLINIC_LOCALE", "ES")
    assert app_config.from_environment()["CLINIC_LOCALE"] == "es"


def test_an_owner_has_a_language_for_messages_on_the_owner_form(sign_in, dbs):
    client = sign_in("reception")
    form = {"first_name": "Claire", "last_name": "Dupont", "address": "1 rue Haute",
            "city": "Madison", "telephone": "608-555-0142", "language": "fr"}
    assert client.post("/owners/new", data=form).status_code == 302
    refused = client.post("/owners/new", data={**form, "last_name": "Martin", "language": "xx"})
    assert refused.status_code == 200 and "Not a valid choice" in refused.get_data(as_text=True)
    with dbs() as session:
        languages = dict(session.execute(sa.select(Owner.last_name, Owner.language)
                                         .where(Owner.first_name == "Claire")).all())
    assert languages == {"Dupont": "fr"}


def test_the_unsubscribe_page_speaks_the_owners_language(app, anonymous, dbs):
    with dbs() as session:
        german = f.owner(session, last_name="Bauer", first_name="Greta", language="de")
        plain = f.owner(session, last_name="Smith", first_name="Ann")
        session.commit()
        ids = german.id, plain.id
    with app.test_request_context():
        tokens = [unsubscribe_token(owner_id) for owner_id in ids]
    english_browser = {"Accept-Language": "en-US"}
    assert page_language(anonymous.get(f"/unsubscribe/{tokens[0]}", headers=english_browser)) == "de"
    # No language of their own: the browser's.
    assert page_language(anonymous.get(f"/unsubscribe/{tokens[1]}",
                                       headers={"Accept-Language": "es"})) == "es"
    done = anonymous.post(f"/unsubscribe/{tokens[0]}", headers=english_browser)
    assert page_language(done) == "de"
