"""Staff accounts for tests: one per role, signed in through the real sign-in form."""

from app.extensions import db

PASSWORD = "correct horse battery staple"
ROLES = ("admin", "vet", "reception")


def ensure_staff(app):
    """One account per role (the vet account linked to a vet); created once per database state."""
    from app.auth.services import create_user, find_user
    from app.models import Vet

    with app.app_context():
        if find_user("admin") is None:
            vet = Vet(first_name="Sam", last_name="Staffmember")
            db.session.add(vet)
            db.session.flush()
            for role in ROLES:
                create_user(role, PASSWORD, role, vet_id=vet.id if role == "vet" else None)
            db.session.commit()


def signed_in(app, role):
    """A new test client, signed in through the real sign-in form as the role's account."""
    ensure_staff(app)
    client = app.test_client()
    response = client.post("/login", data={"username": role, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client
