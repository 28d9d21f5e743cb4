"""The sender over STARTTLS and TLS with a login, against a real server with its own certificate."""

import ssl
import subprocess

import pytest
from aiosmtpd.smtp import AuthResult

from app.messages.sender import send_due
from app.models import Message, MessageStatus
from tests.messages.conftest import queue_message
from tests.messages.smtp import SMTPServer


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1: (certificate file, key file)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


class Logins:
    """An aiosmtpd authenticator: accepts the password "right", remembers every attempt."""

    def __init__(self):
        self.attempts = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        login, password = auth_data.login.decode(), auth_data.password.decode()
        self.attempts.append((mechanism, login, password))
        return AuthResult(success=password == "right", handled=False)  # False: 535 if wrong


@pytest.fixture
def tls_server(certificate, request):
    """A server speaking STARTTLS (required) or TLS from the start, with a login required."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    logins = Logins()
    options = {"authenticator": logins}
    if request.param == "starttls":
        server = SMTPServer(tls_context=context, require_starttls=True, auth_required=True,
                            **options)
    else:  # aiosmtpd counts only STARTTLS as TLS, so it is told to offer AUTH without it
        server = SMTPServer(ssl_context=context, auth_require_tls=False, **options)
    server.logins = logins
    server.security = request.param
    server.start()
    yield server
    server.stop()


def send_one(dbs, app, monkeypatch, server, password="right", trust=None):
    """Queue a message, run one pass against ``server``; the message afterwards."""
    settings = server.config(SMTP_SECURITY=server.security, SMTP_USERNAME="clinic",
                             SMTP_PASSWORD=password)
    for name, value in settings.items():
        monkeypatch.setitem(app.config, name, value)
    if trust:
        monkeypatch.setenv("SSL_CERT_FILE", str(trust))  # as an admin trusts a private CA
    with dbs() as session:
        message_id = queue_message(session).id
        session.commit()
    with dbs() as session:
        send_due()
        return session.get(Message, message_id, populate_existing=True)


@pytest.mark.parametrize("tls_server", ["starttls", "tls"], indirect=True)
def test_delivered_over_tls_with_the_certificate_checked_and_a_login(
        dbs, app, monkeypatch, tls_server, certificate):
    row = send_one(dbs, app, monkeypatch, tls_server, trust=certificate[0])
    assert row.status is MessageStatus.SENT, row.last_response
    assert [item.message_id for item in tls_server.received] == [row.message_id]
    assert [(login, password) for _, login, password in tls_server.logins.attempts] == [
        ("clinic", "right")]


@pytest.mark.parametrize("tls_server", ["starttls", "tls"], indirect=True)
def test_a_certificate_nobody_vouches_for_is_refused_and_nothing_is_sent(
        dbs, app, monkeypatch, tls_server, tmp_path):
    other_ca = tmp_path / "none.pem"
    other_ca.write_text("")  # trusts nothing: the server's certificate is unknown
    row = send_one(dbs, app, monkeypatch, tls_server, trust=other_ca)
    assert row.status is MessageStatus.PENDING and row.attempts == 1
    assert "CERTIFICATE_VERIFY_FAILED" in row.last_response
    assert tls_server.logins.attempts == [] and tls_server.received == []


@pytest.mark.parametrize("tls_server", ["starttls"], indirect=True)
def test_a_wrong_password_is_a_transient_failure_with_the_servers_answer(
        dbs, app, monkeypatch, tls_server, certificate):
    row = send_one(dbs, app, monkeypatch, tls_server, password="wrong", trust=certificate[0])
    assert row.status is MessageStatus.PENDING and row.attempts == 1
    assert "535" in row.last_response
    assert tls_server.received == []
