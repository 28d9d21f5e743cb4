"""Sign-in and account forms."""

from wtforms import BooleanField, PasswordField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional

from app.forms import PageForm, with_placeholder
from app.models import Role, User
from app.validation import PASSWORD_INPUT_MAX, max_length, printable, strip
from app.vets.forms import vet_choices


class SignInForm(PageForm):
    """Username and password."""

    username = StringField(
        "Username",
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(User.username)), printable],
    )
    password = PasswordField(
        "Password", validators=[DataRequired(), Length(max=PASSWORD_INPUT_MAX)]
    )
    submit = SubmitField("Sign in")


class UserForm(PageForm):
    """An administrator's view of an account: role, linked vet, active, new password."""

    username = StringField(
        "Username",
        filters=[strip],
        validators=[DataRequired(), Length(max=max_length(User.username)), printable],
    )
    role = SelectField("Role", choices=with_placeholder(SelectChoice(r.value, r.value.capitalize())
                                                        for r in Role),
                       validators=[InputRequired("Choose a role.")])
    vet_id = SelectField("Vet (for vet accounts)", coerce=int, validators=[Optional()])
    active = BooleanField("Active", default=True)
    password = PasswordField(
        "New password", validators=[Optional(), Length(max=PASSWORD_INPUT_MAX)]
    )
    confirm = PasswordField(
        "Repeat the new password", validators=[EqualTo("password", "The passwords differ.")]
    )
    submit = SubmitField("Save account")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.vet_id.choices = [(0, "—")] + vet_choices(active_only=False)
