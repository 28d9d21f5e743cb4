"""Forms sent back with errors say so to assistive technology: aria-invalid on each invalid
field, aria-describedby naming its error text, autofocus on the first (templates/bootstrap5/
form.html, a patched copy of Bootstrap-Flask's). The skip link, and row buttons' own names.
The same in a real browser, with axe-core: tests/browser/test_accessibility.py."""

import re
from datetime import datetime, time
from html.parser import HTMLParser
from importlib.metadata import version

from tests import factories as f

# The Bootstrap-Flask whose bootstrap5/form.html templates/bootstrap5/form.html copies.
COPIED_FROM = "2.6.0"


class Elements(HTMLParser):
    """Each element's attributes, and the text inside each element that has an id."""

    def __init__(self, html):
        super().__init__()
        self.elements, self.text, self.open = [], {}, []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs, tag=tag)
        self.elements.append(attributes)
        if tag not in {"input", "br", "img", "meta", "link"}:
            self.open.append(attributes.get("id"))
            if attributes.get("id"):
                self.text.setdefault(attributes["id"], "")

    def handle_endtag(self, tag):
        if self.open and tag not in {"input", "br", "img", "meta", "link"}:
            self.open.pop()

    def handle_data(self, data):
        for element_id in self.open:
            if element_id:
                self.text[element_id] += data

    def invalid(self):
        """The fields marked aria-invalid, in document order."""
        return [e for e in self.elements if e.get("aria-invalid") == "true"]


def test_the_form_template_is_a_copy_of_the_installed_bootstrap_flask():
    assert version("Bootstrap-Flask") == COPIED_FROM, (
        "Bootstrap-Flask changed: copy its bootstrap5/form.html over templates/bootstrap5/"
        "form.html again, re-apply the lines marked PetClinic, and update COPIED_FROM")


def check_invalid_fields(html, first_id, error_texts):
    """Every invalid field names error text that exists; only the first has autofocus."""
    page = Elements(html)
    invalid = page.invalid()
    assert invalid, "no field is marked aria-invalid"
    assert invalid[0]["id"] == first_id
    for field in invalid:
        ids = field["aria-describedby"].split()
        assert ids, field
        said = " ".join(page.text[i].strip() for i in ids)
        assert said, field
    first_said = " ".join(page.text[i] for i in invalid[0]["aria-describedby"].split())
    for text in error_texts:
        assert text in first_said
    focused = [e for e in page.elements if "autofocus" in e]
    assert [e["id"] for e in focused] == [first_id]


def test_render_field_forms_mark_invalid_fields(client):
    response = client.post("/owners/new", data={"last_name": "Only", "telephone": "12"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    check_invalid_fields(html, "first_name", ["This field is required."])
    page = Elements(html)
    invalid = {e["id"] for e in page.invalid()}
    assert {"first_name", "address", "city", "telephone"} <= invalid
    assert "last_name" not in invalid
    assert 'id="first_name-error"' in html


def test_render_form_forms_mark_invalid_fields_too(client):
    response = client.post("/vets/new", data={})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    first = Elements(html).invalid()[0]["id"]
    check_invalid_fields(html, first, [])


def test_a_field_with_a_description_keeps_it_and_names_its_errors_after_it(app):
    from flask import render_template_string
    from wtforms import Form, StringField
    from wtforms.validators import DataRequired

    class Probe(Form):
        name = StringField("Name", validators=[DataRequired()])

    with app.test_request_context():
        form = Probe()
        form.validate()
        form.name.errors.append("Second problem.")
        html = render_template_string(
            "{% from 'bootstrap5/form.html' import render_field %}"
            "{{ render_field(form.name, aria_describedby='hint') }}", form=form)
    field = Elements(html).invalid()[0]
    assert field["aria-describedby"] == "hint name-error name-error-2"
    assert 'id="name-error">This field is required.' in html
    assert 'id="name-error-2">Second problem.' in html


def test_an_untouched_form_has_no_error_attributes(client):
    html = client.get("/owners/new").get_data(as_text=True)
    assert "aria-invalid" not in html and "autofocus" not in html


def test_the_skip_link_comes_first_and_leads_to_main(client):
    html = client.get("/owners/find").get_data(as_text=True)
    focusable = [e for e in Elements(html).elements
                 if e["tag"] in {"a", "button", "input", "select", "textarea"}
                 and e.get("type") != "hidden"]
    assert focusable[0]["href"] == "#main"
    assert re.search(r'<a [^>]*href="#main"[^>]*>Skip to main content</a>', html)
    assert re.search(r'<main [^>]*id="main"', html)
    search = next(e for e in Elements(html).elements if e.get("id") == "q")  # the search box
    assert "autofocus" in search


def test_day_sheet_buttons_are_named_by_their_row(client, dbs, today):
    with dbs() as session:
        vet = f.vet(session, last_name="Rowname")
        for name, hour in (("Max", 10), ("Bella", 11)):
            pet = f.pet(session, f.owner(session), name=name)
            f.appointment(session, pet, vet, starts_at=datetime.combine(today, time(hour)))
        session.commit()
    html = client.get(f"/appointments?date={today.isoformat()}").get_data(as_text=True)
    for name, hhmm in (("Max", "10:00"), ("Bella", "11:00")):
        label = f'Check in<span class="visually-hidden"> {name}, {hhmm}</span></button>'
        assert label in html
        # Cancel is a link: cancelling asks first, on a page of its own.
        assert f'Cancel<span class="visually-hidden"> {name}, {hhmm}</span></a>' in html
