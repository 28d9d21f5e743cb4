"""Sign-in and account forms."""

from wtforms import BooleanField, PasswordField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional

from app.forms import PageForm, with_placeholder
from app.i18n import _l
from app.models import Role, User
from app.validation import PASSWORD_INPUT_MAX, max_length, printable, strip
from app.vets.forms import vet_choices

# How the role menu names each role (its values are the roles' own).
ROLE_LABELS = {Role.RECEPTION: _l("Reception"), Role.VET: _l("Vet"), Role.ADMIN: _l("Admin")}


class SignInForm(PageForm):
    """Username and password."""

    username = StringField(
        _l("Username"),
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(User.username)), printable],
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=PASSWORD_INPUT_MAX)]
    )
    submit = SubmitField(_l("Sign in"))


class UserForm(PageForm):
    """An administrator's view of an account: role, linked vet, active, new password."""

    username = StringField(
        _l("Username"),
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(User.username)), printable],
    )
    role = SelectField(_l("Role"), choices=with_placeholder(SelectChoice(r.value, ROLE_LABELS[r])
                                                            for r in Role),
                       validators=[InputRequired(_l("Choose a role."))])
    vet_id = SelectField(_l("Vet (for vet accounts)"), coerce=int, validators=[Optional()])
    active = BooleanField(_l("Active"), default=True)
    password = PasswordField(
        _l("New password"), validators=[Optional(), Length(max=PASSWORD_INPUT_MAX)]
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[EqualTo("password", _l("The passwords differ."))],
    )
    submit = SubmitField(_l("Save account"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.vet_id.choices = [(0, "—")] + vet_choices(active_only=False)
