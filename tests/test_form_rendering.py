"""The project's html_params renders every widget's attributes exactly as WTForms' own does."""

import wtforms.widgets
import wtforms.widgets.core as widgets
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup
from wtforms import Form, SelectChoice, SelectField, StringField

from app.forms import WTFORMS_HTML_PARAMS, html_params

KEYS = st.sampled_from(["class_", "id", "name", "value", "data_row_id", "aria_describedby",
                        "for_", "type", "checked", "x<y", "odd&key"]) | st.text(max_size=8)
VALUES = (st.booleans() | st.integers() | st.text(max_size=20)
          | st.text(max_size=20).map(Markup) | st.none())


@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_the_markup_is_wtforms_own_for_any_attributes(attributes):
    assert html_params(**attributes) == WTFORMS_HTML_PARAMS(**attributes)
    assert isinstance(html_params(**attributes), Markup)


def test_widgets_render_through_it_and_escape_what_they_are_given():
    # each reference a widget or a label calls
    assert widgets.html_params is wtforms.widgets.html_params is html_params
    assert widgets.TextInput.html_params is widgets.SubmitInput.html_params is html_params

    class PetForm(Form):
        name = StringField()
        kind = SelectField(
            choices=[SelectChoice("cat", 'Cat "Tom" <b>'), SelectChoice("dog", "Dog & co")]
        )

    form = PetForm(data={"name": 'Rex" onclick="x()', "kind": "dog"})
    assert form.name(class_="form-control", data_x="1") == Markup(
        '<input class="form-control" data-x="1" id="name" name="name" type="text" '
        'value="Rex&#34; onclick=&#34;x()">'
    )
    assert form.name.label(class_="form-label") == Markup(
        '<label class="form-label" for="name">Name</label>'
    )
    select = form.kind()
    assert '<option selected value="dog">Dog &amp; co</option>' in select
    assert "Cat &#34;Tom&#34; &lt;b&gt;" in select
