"""Staff accounts: create one (the contract's /users), and read one back."""

from flask import abort, url_for

from app.api.blueprint import LOCATION
from app.api.resources import operation
from app.api.schemas import NewUserSchema, UserSchema
from app.auth.services import create_user, find_user
from app.extensions import db
from app.models import Role, User
from app.validation import max_length

USERNAME = f"<string(maxlength={max_length(User.username)}):username>"


def role_from(name):
    """Our role for a role name: admin, vet or reception (any case, an optional ROLE_ prefix)."""
    name = name.strip().lower().removeprefix("role_")
    if name not in {role.value for role in Role}:
        abort(400, description=f"roles: unknown role {name!r}; use admin, vet or reception.")
    return Role(name)


def user_body(user):
    """An account as the contract shows one, without its password."""
    return {
        "username": user.username,
        "enabled": user.active,
        "roles": [{"name": user.role.value}],
        "vet_id": user.vet_id,
    }


@operation("POST", "/users", "users.manage", tags=["users"], body=NewUserSchema,
           response=UserSchema, status=201, headers=LOCATION)
def add_user(fields):
    """Creates a staff account with exactly one role (passwords: 10 characters or more)."""
    role = role_from(fields["roles"][0]["name"])
    user = create_user(
        fields["username"], fields["password"], role, fields["vet_id"], active=fields["enabled"]
    )
    db.session.commit()
    return user_body(user), 201, {"Location": url_for("api.get_user", username=user.username)}


@operation("GET", f"/users/{USERNAME}", "users.manage", tags=["users"], response=UserSchema,
           errors=[404])
def get_user(username):
    """Gets a staff account by username."""
    user = find_user(username)
    if user is None:
        abort(404, description="There is no account with that username.")
    return user_body(user)
