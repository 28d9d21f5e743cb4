"""Message templates: each kind renders with the clinic's details and the unsubscribe link,
HTML escaped and text not; admins preview them with sample data, nothing written."""

import re
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from app.messages.render import DueDose, Slot, render
from app.messages.tokens import owner_id_from
from app.models import Message, MessageKind


class Owner:
    id = 42
    first_name = "Jean"
    last_name = "O'Hara & Sons"


SLOT = Slot(pet_name="Leo <3", vet_name="James Carter", starts_at=datetime(2026, 12, 3, 14, 30),
            duration_minutes=45, reason="Limping & off food")
CONTEXT = {"slot": SLOT, "previous": SLOT,
           "doses": [DueDose("Leo <3", "Rabies", date(2026, 12, 20), overdue=False)]}


@pytest.mark.parametrize("kind", list(MessageKind))
def test_every_kind_carries_the_clinic_and_a_working_unsubscribe_link(app, monkeypatch, kind):
    for key, value in {"CLINIC_NAME": "Lakeside Vets", "CLINIC_ADDRESS": "9 Shore Rd., Monona",
                       "CLINIC_PHONE": "(608) 555-0199",
                       "SITE_URL": "https://vets.example.com"}.items():
        monkeypatch.setitem(app.config, key, value)  # the app is shared: undone afterwards
    with app.app_context():
        subject, text, html = render(kind, Owner(), **CONTEXT)
        for body in (text, html):
            assert "Lakeside Vets" in body and "9 Shore Rd., Monona" in body
            assert "(608) 555-0199" in body
        [link] = re.findall(r"https://vets\.example\.com/unsubscribe/[\w.-]+", text)
        assert f'href="{link}"' in html
        assert owner_id_from(link.rsplit("/", 1)[1]) == 42
    assert subject and "\n" not in subject and "Leo <3" in subject + text


@pytest.mark.parametrize("kind", list(MessageKind))
def test_html_is_escaped_and_text_is_not(app, kind):
    with app.app_context():
        subject, text, html = render(kind, Owner(), **CONTEXT)
    assert "O'Hara & Sons" in text and "Leo <3" in text
    assert "O&#39;Hara &amp; Sons" in html and "Leo &lt;3" in html and "Leo <3" not in html
    assert "&amp;" not in subject and "&lt;" not in subject


def test_appointment_times_read_as_the_clinics_wall_clock(app):
    with app.app_context():
        subject, text, _ = render(MessageKind.CONFIRMATION, Owner(), slot=SLOT)
    assert subject == "Leo <3's appointment on Thursday 3 December 2026 at 14:30 is booked"
    assert "When:   Thursday 3 December 2026 at 14:30 (45 minutes)" in text


def test_the_template_list_shows_every_kind_with_its_sample_subject(client):
    page = client.get("/messages/templates").get_data(as_text=True)
    for kind in MessageKind:
        assert f'href="/messages/templates/{kind.value}"' in page
    assert "Reminder: Leo&#39;s appointment on" in page
    assert "owners who agreed to reminders by email" in page


def test_a_preview_shows_subject_text_and_a_sandboxed_frame_and_writes_nothing(client, dbs):
    page = client.get("/messages/templates/vaccination_reminder").get_data(as_text=True)
    assert "Vaccinations overdue: Leo, Max" in page
    assert "- Max: FVRCP, overdue since" in page  # the text, escaped once for the page
    assert 'sandbox="" ' in page and 'src="/messages/templates/vaccination_reminder/html"' in page
    framed = client.get("/messages/templates/vaccination_reminder/html")
    assert framed.mimetype == "text/html"
    assert framed.headers["Content-Security-Policy"].startswith("sandbox;")
    assert "frame-ancestors 'self'" in framed.headers["Content-Security-Policy"]
    assert framed.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "<li>Leo: Rabies, due on" in framed.get_data(as_text=True)
    with dbs() as session:
        assert session.scalar(sa.select(sa.func.count(Message.id))) == 0


@pytest.mark.parametrize("url", ["/messages/templates/newsletter",
                                 "/messages/templates/newsletter/html"])
def test_an_unknown_template_is_a_404(client, url):
    assert client.get(url).status_code == 404


def test_only_admins_preview(sign_in):
    for role in ("reception", "vet"):
        assert sign_in(role).get("/messages/templates/confirmation").status_code == 403
