"""Staff accounts: the sign-in wall, roles on every route, lockout, redirects, the audit trail."""

import logging
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.messages.outbox import queue
from app.models import Absence, AuditEntry, ClinicClosure, MessageKind, Owner, User
from tests import factories as f
from tests.staff import PASSWORD, ensure_staff, signed_in

ALL = {"admin", "vet", "reception"}
CLINICAL = {"admin", "vet"}
ADMIN = {"admin"}

# Who may use each endpoint, as issue 9 states it. Every endpoint the app registers must be
# listed here, so a new page cannot slip in unclassified.
ACCESS = {
    "main.index": ALL,
    "owners.find": ALL,
    "owners.index": ALL,
    "owners.new": ALL,
    "owners.detail": ALL,
    "message_log.owner_log": ALL,
    "owners.edit": ALL,
    "owners.delete": ADMIN,
    "owner_merges.choose": ADMIN,
    "owner_merges.merge": ADMIN,
    "pets.detail": ALL,
    "pets.new": ALL,
    "pets.edit": ALL,
    "pets.delete": ADMIN,
    "pets.transfer": ALL,
    "pet_alerts.index": ALL,
    "pet_alerts.delete": ALL,
    "vets.index": ALL,
    "vets.detail": ALL,
    "vets.new": ADMIN,
    "vets.edit": ADMIN,
    "vets.delete": ADMIN,
    "appointments.book": ALL,
    "free_slots.find": ALL,
    "appointments.day": ALL,
    "appointments.detail": ALL,
    "appointments.edit": ALL,
    "appointments.transition": ALL,
    "cancellation.confirm": ALL,
    "appointments.complete": CLINICAL,
    "schedule.grid": ALL,
    "schedule.whose_pet": ALL,
    "visits.new": CLINICAL,
    "visits.detail": ALL,
    "visits.add": CLINICAL,
    "visits.edit": CLINICAL,
    "weights.index": ALL,
    "users.index": ADMIN,
    "users.new": ADMIN,
    "users.edit": ADMIN,
    "users.sign_out_everywhere": ADMIN,
    "account.edit": ALL,
    "tokens.mine": ALL,
    "tokens.revoke_mine": ALL,
    "tokens.account": ADMIN,
    "tokens.revoke_for": ADMIN,
    "reference.index": ADMIN,
    "reference.edit_appointment_type": ADMIN,
    "reference.delete_appointment_type_view": ADMIN,
    "reference.rename": ADMIN,
    "reference.remove": ADMIN,
    "working_time.clinic": ALL,
    "working_time.hours": ADMIN,
    "working_time.new_closure": ADMIN,
    "working_time.delete_closure": ADMIN,
    "working_time.vet": ALL,
    "working_time.rota": ADMIN,
    "working_time.rota_clear": ADMIN,
    "working_time.new_absence": ADMIN,
    "working_time.delete_absence": ADMIN,
    "working_time.rebook": ALL,
    "auth.logout": ALL,
    # The vet's own account may too (tests/test_calendar_feed.py); these records' vet has none.
    "calendar_feed.manage": ADMIN,
    "calendar_feed.issue": ADMIN,
    "calendar_feed.revoke": ADMIN,
    "vaccinations.index": ALL,  # a GET; recording (its POST) is CLINICAL: test_vaccinations
    "vaccinations.record": ALL,
    "vaccinations.due_date": CLINICAL,
    "vaccinations.certificate": ALL,
    "vaccine_types.index": ADMIN,
    "vaccine_types.new": ADMIN,
    "vaccine_types.edit": ADMIN,
    "vaccine_types.delete": ADMIN,
    "reminders.due_list": ALL,
    "reminders.call_list": ALL,
    "reminders.dismiss": ALL,
    "messages.outbox": ADMIN,
    "messages.detail": ADMIN,
    "messages.retry": ADMIN,
    "messages.cancel": ADMIN,
    "message_templates.index": ADMIN,
    "message_templates.show": ADMIN,
    "message_templates.html": ADMIN,
    "audit_log.index": ADMIN,
}
# The calendar feed's secret URL is its own credential.
PUBLIC = {"auth.login", "static", "bootstrap.static", "ops.healthz", "ops.readyz",
          "calendar_feed.feed", "unsubscribe.confirm"}


@pytest.fixture
def records(dbs, today, app):
    """One of everything a URL can name."""
    ensure_staff(app)
    with dbs() as session:
        owner = f.owner(session)
        pet = f.pet(session, owner)
        vet = f.vet(session, last_name="Routevet")
        # Today at midnight: its day has come, so it can be checked in.
        appointment = f.appointment(session, pet, vet, starts_at=datetime.combine(today, time.min))
        kind = f.appointment_type(session, "grooming")
        visit = f.visit(session, pet, vet)
        user_id = session.scalar(sa.select(User.id).where(User.username == "reception"))
        closed = today + timedelta(days=30)
        session.add(ClinicClosure(day=closed, reason="Holiday"))
        absence = Absence(vet_id=vet.id, starts_at=datetime.combine(closed, time.min),
                          ends_at=datetime.combine(closed, time(12)), reason="Leave")
        session.add(absence)
        vaccine = f.vaccine_type(session, "Route vaccine", ("cat",))
        dose = f.vaccination(session, pet, vaccine, today - timedelta(days=30))
        other = f.owner(session, "Other", telephone="+16085550199")  # to merge with
        addressee = f.owner(session, last_name="Routemail", email="route@example.com",
                            telephone="+16085550177")
        message = queue(addressee, MessageKind.CONFIRMATION, "Route", "Text", "<p>HTML</p>",
                        "tests")
        session.commit()
        return {"owner_id": owner.id, "pet_id": pet.id, "vet_id": vet.id, "visit_id": visit.id,
                "appointment_id": appointment.id, "user_id": user_id, "action": "check-in",
                "type_id": kind.id, "day": closed.isoformat(), "absence_id": absence.id,
                "alert_id": 999999, "vaccination_id": dose.id, "kind": "pettype",
                "row_id": pet.type_id, "message_kind": "confirmation",
                "other_id": other.id, "token_id": 999999,
                "message_id": message.id}


def requests_for(app, records):
    """(endpoint, method, url) for every non-public route, with real ids filled in."""
    result = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC or rule.endpoint.startswith("api"):
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        url = rule.build({k: records[k] for k in rule.arguments}, append_unknown=False)[1]
        result.append((rule.endpoint, method, url))
    return result


def test_every_route_is_classified(app):
    # The JSON API authenticates and checks roles itself: tests/api/test_api_auth_errors.py.
    endpoints = {
        r.endpoint for r in app.url_map.iter_rules() if not r.endpoint.startswith("api")
    } - PUBLIC
    assert endpoints == set(ACCESS)


def test_every_api_route_requires_a_permission(app):
    # The API authenticates every request; its roles are checked by @requires on each route.
    api_endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")}
    assert len(api_endpoints) > 30
    unguarded = sorted(
        endpoint for endpoint in api_endpoints
        if getattr(app.view_functions[endpoint], "required_permission", None) is None
    )
    assert unguarded == []


def test_anonymous_visitors_are_sent_to_sign_in_from_every_route(app, anonymous, records):
    for endpoint, method, url in requests_for(app, records):
        response = anonymous.open(url, method=method)
        assert response.status_code == 302, endpoint
        assert "/login?next=" in response.headers["Location"], endpoint


def test_anonymous_json_clients_get_401(anonymous):
    response = anonymous.get("/vets", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("role", sorted(ALL))
def test_each_role_reaches_exactly_what_it_may(app, sign_in, records, role):
    client = sign_in(role)
    for endpoint, method, url in requests_for(app, records):
        if endpoint == "auth.logout":
            continue
        response = client.open(url, method=method)
        if role in ACCESS[endpoint]:
            assert response.status_code != 403, (role, endpoint)
            assert "/login" not in response.headers.get("Location", ""), (role, endpoint)
        else:
            assert response.status_code == 403, (role, endpoint)
            assert "Your role does not allow this" in response.get_data(as_text=True)


def test_the_ui_offers_only_what_the_role_may_do(sign_in, records):
    reception = sign_in("reception").get(f"/owners/{records['owner_id']}").get_data(as_text=True)
    admin = sign_in("admin").get(f"/owners/{records['owner_id']}").get_data(as_text=True)
    assert "Delete owner" not in reception and "Delete owner" in admin
    assert "Add visit" not in reception and "Add visit" in admin
    assert "Book appointment" in reception
    assert "Staff accounts" not in reception and "Staff accounts" in admin
    assert "Audit trail" not in reception and "Audit trail" in admin


def test_a_vet_lands_on_their_own_schedule(app, anonymous, records):
    ensure_staff(app)
    response = anonymous.post("/login", data={"username": "vet", "password": PASSWORD})
    assert response.headers["Location"].startswith("/schedule?view=week&vet=")


# --- signing in -----------------------------------------------------------------------------


def login(client, username, password, next_url=None):
    """POST the sign-in form."""
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"username": username, "password": password})


def sign_in_error(response):
    """The refusal the sign-in page shows, by itself."""
    text = response.get_data(as_text=True)
    start = text.index("Unknown username")
    return text[start:text.index("<", start)]


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(app, anonymous):
    ensure_staff(app)
    wrong = login(anonymous, "reception", "not the password")
    unknown = login(anonymous, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "Unknown username or wrong password." in wrong.get_data(as_text=True)
    assert "Unknown username or wrong password." in unknown.get_data(as_text=True)


def test_usernames_ignore_case(app, anonymous):
    ensure_staff(app)
    assert login(anonymous, "  Reception ", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("target", "lands"),
    [
        ("/owners/find", "/owners/find"),
        ("/owners?lastName=Dav", "/owners?lastName=Dav"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_after_sign_in_only_same_site_targets_are_followed(app, anonymous, target, lands):
    ensure_staff(app)
    response = anonymous.post("/login", query_string={"next": target},
                              data={"username": "reception", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == lands


def test_the_session_cookie_is_http_only_and_same_site(app, anonymous):
    ensure_staff(app)
    cookie = login(anonymous, "reception", PASSWORD).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_signing_out_ends_the_session(sign_in):
    client = sign_in("reception")
    assert client.post("/logout").status_code == 302
    assert client.get("/owners/find").status_code == 302


def test_a_deactivated_account_is_signed_out_and_its_password_is_not_confirmed(
    app, sign_in, dbs
):
    client = sign_in("reception")
    with dbs() as session:
        session.scalar(sa.select(User).where(User.username == "reception")).active = False
        session.commit()
    assert client.get("/owners/find").status_code == 302
    right = login(app.test_client(), "reception", PASSWORD)
    wrong = login(app.test_client(), "reception", "not the password")
    assert right.status_code == wrong.status_code == 401
    assert sign_in_error(right) == sign_in_error(wrong) and "deactivated" not in right.text


def test_a_new_password_ends_other_sessions(app, sign_in, dbs):
    from app.auth.services import set_password

    client = sign_in("reception")
    with dbs() as session:
        set_password(session.scalar(sa.select(User).where(User.username == "reception")),
                     "a brand new password")
        session.commit()
    assert client.get("/owners/find").status_code == 302


def test_passwords_are_hashed_and_never_logged_or_echoed(app, anonymous, dbs, caplog):
    ensure_staff(app)
    with caplog.at_level(logging.DEBUG):
        wrong = login(anonymous, "reception", "Wrong-Secret-123")
        right = login(app.test_client(), "reception", PASSWORD)
    for text in (wrong.get_data(as_text=True), right.get_data(as_text=True), caplog.text):
        assert "Wrong-Secret-123" not in text and PASSWORD not in text
    with dbs() as session:
        stored = session.scalar(sa.select(User.password_hash).where(User.username == "reception"))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


# --- throttling -----------------------------------------------------------------------------


def test_repeated_failures_lock_the_account_for_a_while(app, anonymous, dbs):
    ensure_staff(app)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        login(anonymous, "reception", "guess")
    locked = login(anonymous, "reception", PASSWORD)
    assert locked.status_code == 401
    assert sign_in_error(locked) == sign_in_error(login(anonymous, "nobody-here", PASSWORD))
    with dbs() as session:
        user = session.scalar(sa.select(User).where(User.username == "reception"))
        user.locked_until = user.locked_until - timedelta(hours=1)  # the lock runs out
        session.commit()
    assert login(anonymous, "reception", PASSWORD).status_code == 302


def test_a_success_resets_the_failure_count(app, anonymous, dbs):
    ensure_staff(app)
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        login(anonymous, "reception", "guess")
    assert login(anonymous, "reception", PASSWORD).status_code == 302
    login(app.test_client(), "reception", "guess")
    assert login(app.test_client(), "reception", PASSWORD).status_code == 302


@pytest.mark.committing
def test_the_lockout_holds_across_two_app_instances_sharing_the_database(committing, database_url):
    first = committing
    second = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                         "SECRET_KEY": "another-instance", "WTF_CSRF_ENABLED": False})
    try:
        ensure_staff(first)
        for attempt in range(first.config["LOGIN_MAX_FAILURES"]):
            instance = first if attempt % 2 else second
            assert login(instance.test_client(), "reception", "guess").status_code == 401
        for instance in (first, second):
            refused = login(instance.test_client(), "reception", PASSWORD)
            assert refused.status_code == 401 and "is locked for" in refused.text
    finally:
        with second.app_context():
            db.engine.dispose()


# --- the staff accounts pages ---------------------------------------------------------------


def test_an_admin_creates_and_changes_an_account_on_the_staff_pages(app, sign_in, anonymous, dbs):
    admin = sign_in("admin")
    # The role field's choices once used a deprecated WTForms shape: every page was a 500
    # under this suite's warnings-as-errors.
    form = admin.get("/users/new")
    assert form.status_code == 200 and '<option value="reception">Reception</option>' in form.text
    data = {"username": "Desk3", "role": "reception", "vet_id": "0", "active": "y",
            "password": "front desk password", "confirm": "front desk password"}
    assert admin.post("/users/new", data=data).status_code == 302
    with dbs() as session:
        account_id = session.scalar(sa.select(User.id).where(User.username == "desk3"))
    assert admin.get(f"/users/{account_id}/edit").status_code == 200
    data = {**data, "role": "vet", "password": "", "confirm": ""}
    assert admin.post(f"/users/{account_id}/edit", data=data).status_code == 302
    with dbs() as session:
        assert session.get(User, account_id).role.value == "vet"
    assert login(anonymous, "desk3", "front desk password").status_code == 302


# --- the users CLI --------------------------------------------------------------------------


def test_users_create_list_set_password_and_deactivate(app, runner, anonymous, dbs):
    created = runner.invoke(args=["users", "create", "Desk2", "--role", "reception"],
                            input="front desk password\n")
    assert created.exit_code == 0, created.output
    assert "front desk password" not in created.output
    assert login(anonymous, "desk2", "front desk password").status_code == 302
    listed = runner.invoke(args=["users", "list"])
    assert "desk2" in listed.output and "reception" in listed.output
    changed = runner.invoke(args=["users", "set-password", "desk2"], input="another long one\n")
    assert changed.exit_code == 0, changed.output
    assert login(app.test_client(), "desk2", "another long one").status_code == 302
    assert runner.invoke(args=["users", "deactivate", "desk2"]).exit_code == 0
    assert login(app.test_client(), "desk2", "another long one").status_code == 401


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["users", "create", "shorty", "--role", "vet"], "short\n", "at least 10 characters"),
        (["users", "create", "admin", "--role", "vet"], "long enough password\n", "is taken"),
        (["users", "create", "x", "--role", "owner"], "long enough password\n", "Invalid value"),
        (["users", "create", "x", "--role", "vet", "--vet-id", "999999"], "long enough password\n", "no vet"),
        (["users", "set-password", "ghost"], "long enough password\n", "No account named"),
        (["users", "deactivate", "ghost"], "", "No account named"),
        (["users", "create", "quiet", "--role", "vet"], "", "No password"),
    ],
)
def test_users_cli_refusals_are_clear_and_non_zero(app, runner, args, stdin, message):
    ensure_staff(app)
    result = runner.invoke(args=args, input=stdin)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


# --- audit trail ----------------------------------------------------------------------------


def trail(dbs, entity_type=None):
    """(actor, action, entity_type) of every audit entry, oldest first."""
    with dbs() as session:
        query = sa.select(AuditEntry).order_by(AuditEntry.id)
        if entity_type:
            query = query.where(AuditEntry.entity_type == entity_type)
        return [(e.actor, e.action, e.entity_type, e.summary) for e in session.scalars(query)]


def test_web_writes_are_audited_with_the_signed_in_user(sign_in, dbs, records):
    reception = sign_in("reception")
    reception.post(f"/owners/{records['owner_id']}/edit", data={
        "first_name": "George", "last_name": "Franklin", "address": "1 New Rd", "city": "Madison",
        "telephone": "608 555 1023", "email": ""})
    reception.post(f"/appointments/{records['appointment_id']}/cancel")
    admin = sign_in("admin")
    admin.post(f"/owners/{records['owner_id']}/delete")
    entries = trail(dbs)
    assert ("reception", "update", "owner", "address: 110 W. Liberty St. → 1 New Rd") in entries
    assert ("reception", "cancelled", "appointment", "status: scheduled → cancelled") in [
        e[:3] + (e[3],) for e in entries]
    assert ("admin", "delete", "owner", "George Franklin") in entries


def test_admins_see_the_trail_on_the_record_page(sign_in, records):
    client = sign_in("admin")
    client.post(f"/appointments/{records['appointment_id']}/check-in")
    page = client.get(f"/appointments/{records['appointment_id']}").get_data(as_text=True)
    assert "Audit trail" in page and "checked in" in page and "admin" in page


def test_writes_outside_a_request_are_audited_as_the_cli_user(app, dbs):
    with dbs() as session:
        owner = f.owner(session, last_name="Clifford")
        session.commit()
        owner_id = owner.id
    entries = [e for e in trail(dbs, "owner") if "Clifford" in e[3]]
    assert entries and entries[0][0].startswith("cli:") and entries[0][1] == "create"
    with dbs() as session:
        assert session.get(Owner, owner_id) is not None
