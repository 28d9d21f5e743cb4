"""The account page's form."""

from wtforms import SelectChoice, SelectField, SubmitField

from app.forms import PageForm
from app.i18n import LANGUAGES, _l


class LanguageForm(PageForm):
    """The language the signed-in user's pages speak, or the browser's."""

    locale = SelectField(
        _l("Language of your pages"),
        choices=[SelectChoice("", _l("As my browser asks")),
                 *(SelectChoice(code, name) for code, name in LANGUAGES.items())],
        description=_l("Messages to owners are written in each owner's own language."),
    )
    submit = SubmitField(_l("Save"))
