"""Account rules held by one service (app.users.services) for the staff pages, the API and
`flask users`: nobody demotes or deactivates themselves, the last admin stays, errors name
their field."""

import re

import pytest
import sqlalchemy as sa

from app.models import Role, User
from tests.staff import ensure_staff


def account(dbs, username):
    """The account as stored now."""
    with dbs() as session:
        return session.scalar(sa.select(User).where(User.username == username))


def edit(client, user, **change):
    """POST the staff page's edit form for ``user``, with changes."""
    data = {"username": user.username, "role": user.role.value, "vet_id": user.vet_id or 0,
            "active": "y" if user.active else "", "password": "", "confirm": ""} | change
    return client.post(f"/users/{user.id}/edit", data=data)


def field_error(page, field):
    """The error the page shows on ``field`` (marked invalid), or None if it is not marked."""
    text = page.get_data(as_text=True)
    invalid = re.search(rf'<(?:select|input)[^>]*is-invalid[^>]*id="{field}"[^>]*>', text)
    if invalid is None:
        return None
    feedback = text[invalid.end():]
    return feedback[:feedback.index("</div>", feedback.index("invalid-feedback"))]


def test_an_admin_cannot_demote_or_deactivate_their_own_account(sign_in, dbs):
    admin = sign_in("admin")
    me = account(dbs, "admin")
    demoted = edit(admin, me, role="reception")
    assert "cannot demote or deactivate your own account" in field_error(demoted, "role")
    deactivated = edit(admin, me, active="")
    assert "cannot demote or deactivate your own account" in field_error(deactivated, "active")
    assert account(dbs, "admin").role is Role.ADMIN and account(dbs, "admin").active


def test_a_bad_new_password_is_shown_on_the_password_field(sign_in, dbs):
    admin = sign_in("admin")
    page = edit(admin, account(dbs, "reception"), password="short", confirm="short")
    assert "at least 10 characters" in field_error(page, "password")


def test_the_cli_cannot_deactivate_the_last_active_admin(app, runner, dbs):
    ensure_staff(app)
    refused = runner.invoke(args=["users", "deactivate", "admin"])
    assert refused.exit_code == 1 and "only active administrator" in refused.output
    assert "Traceback" not in refused.output and account(dbs, "admin").active
    created = runner.invoke(args=["users", "create", "second-admin", "--role", "admin"],
                            input="another admin password\n")
    assert created.exit_code == 0, created.output
    assert runner.invoke(args=["users", "deactivate", "admin"]).exit_code == 0
    assert not account(dbs, "admin").active


def test_deactivating_on_the_staff_page_ends_the_accounts_sessions(sign_in, dbs):
    desk = sign_in("reception")
    admin = sign_in("admin")
    assert edit(admin, account(dbs, "reception"), active="").status_code == 302
    assert desk.get("/owners/find").status_code == 302



def test_a_database_error_in_flask_users_is_one_line_not_a_traceback(empty_database_url):
    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "SECRET_KEY": "x" * 40})
    try:
        result = app.test_cli_runner().invoke(args=["users", "list"])  # no tables: not migrated
        assert result.exit_code == 1
        assert "The database refused the command" in result.output and "flask db upgrade" in result.output
        assert "Traceback" not in result.output
    finally:
        with app.app_context():
            db.engine.dispose()


@pytest.mark.committing
def test_two_admins_deactivating_each_other_at_once_leave_one_admin(committing):
    from app.extensions import db
    from app.users.services import deactivate_account
    from tests.concurrency import run_at_once

    app = committing
    ensure_staff(app)
    for round_ in range(5):
        with app.app_context():
            from app.auth.services import create_user

            first = create_user(f"first-{round_}", "a long admin password", "admin")
            second = create_user(f"second-{round_}", "a long admin password", "admin")
            db.session.execute(sa.update(User).where(User.username == "admin")
                               .values(active=False))
            db.session.execute(sa.update(User).where(User.role == Role.ADMIN,
                                                     User.id.not_in([first.id, second.id]))
                               .values(active=False))
            db.session.commit()
            pair = (first.id, second.id)
            db.session.remove()

        def deactivate_the_other(i):
            with app.app_context():
                from app.database import write_transactions

                with write_transactions():
                    me, other = db.session.get(User, pair[i]), db.session.get(User, pair[1 - i])
                    try:
                        deactivate_account(other, acting=me)
                        db.session.commit()
                        return "done"
                    except Exception as refusal:  # AccountError: the last admin stays
                        db.session.rollback()
                        return type(refusal).__name__

        outcomes = run_at_once(deactivate_the_other, 2)
        with app.app_context():
            active = db.session.scalar(sa.select(sa.func.count(User.id)).where(
                User.role == Role.ADMIN, User.active))
            db.session.remove()
        assert active == 1, (round_, outcomes)
