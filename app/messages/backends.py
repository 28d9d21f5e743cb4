"""Where the sender hands messages over: an SMTP server, or the development backend's log.

A backend is opened for one pass of the sender and reused for every message in it (one SMTP
connection, not one per message). ``send(email)`` returns the server's answer as text, or
raises TransientFailure (try again later: connection refused or dropped, a timeout, an SMTP
4xx) or PermanentFailure (an SMTP 5xx, a recipient refused for good).
"""

import logging
import smtplib
import ssl

logger = logging.getLogger("petclinic.messages")

DEVELOPMENT_ANSWER = "development backend: not delivered (SMTP_HOST is not set)"


class DeliveryFailure(Exception):
    """The message was not accepted; the text is the server's answer or the error."""


class TransientFailure(DeliveryFailure):
    """Worth trying again later. ``server_unavailable``: the rest of the pass would fail too."""

    def __init__(self, reason, server_unavailable=False):
        super().__init__(reason)
        self.server_unavailable = server_unavailable


class PermanentFailure(DeliveryFailure):
    """Refused for good: sending it again would be refused again."""


def reply_text(code, text):
    """An SMTP reply as one line: "550 5.1.1 No such user"."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " ".join(f"{code} {text}".split())


def failure_for(code, text, what=""):
    """The failure an SMTP reply code means: 4xx transient, anything else permanent."""
    reason = f"{what}{reply_text(code, text)}"
    if 400 <= code < 500:
        return TransientFailure(reason, server_unavailable=code == 421)
    return PermanentFailure(reason)


class _RemembersDataReply:
    """smtplib's sendmail() discards the server's answer to the message itself; keep it."""

    data_reply = None

    def data(self, msg):
        """Send the message as smtplib does, and remember the reply (the queue id, usually)."""
        self.data_reply = super().data(msg)
        return self.data_reply


class _SMTP(_RemembersDataReply, smtplib.SMTP):
    pass


class _SMTP_SSL(_RemembersDataReply, smtplib.SMTP_SSL):
    pass


class SMTPBackend:
    """Deliver over SMTP: SMTP_SECURITY starttls, tls (SMTP over TLS) or none; login if set."""

    def __init__(self, config):
        self.host = config["SMTP_HOST"]
        self.port = config["SMTP_PORT"]
        self.security = config["SMTP_SECURITY"]
        self.username = config["SMTP_USERNAME"]
        self.password = config["SMTP_PASSWORD"]
        self.timeout = config["SMTP_TIMEOUT"]
        self.connection = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _connect(self):
        """Open, secure and log in; any failure means the server is unavailable just now."""
        # The system's trusted CAs, and the host name checked (SSL_CERT_FILE adds a private CA).
        context = ssl.create_default_context()
        try:
            if self.security == "tls":
                connection = _SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                       context=context)
            else:
                connection = _SMTP(self.host, self.port, timeout=self.timeout)
            try:
                if self.security == "starttls":
                    connection.starttls(context=context)
                if self.username:
                    connection.login(self.username, self.password)
            except BaseException:
                connection.close()
                raise
        except smtplib.SMTPResponseException as error:
            raise TransientFailure(
                f"mail server {self.host}:{self.port}: "
                f"{reply_text(error.smtp_code, error.smtp_error)}", server_unavailable=True
            ) from None
        except (OSError, smtplib.SMTPException) as error:  # refused, timed out, TLS, no STARTTLS
            raise TransientFailure(
                f"mail server {self.host}:{self.port} unavailable: {describe(error)}",
                server_unavailable=True,
            ) from None
        self.connection = connection

    def send(self, email):
        """Hand one EmailMessage to the server; its answer, or a DeliveryFailure."""
        if self.connection is None:
            self._connect()
        try:
            self.connection.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            code, text = next(iter(error.recipients.values()))
            raise failure_for(code, text, "recipient refused: ") from None
        except smtplib.SMTPResponseException as error:  # sender refused, message refused
            if error.smtp_code == 421:  # the server is closing the connection
                self.close()
            raise failure_for(error.smtp_code, error.smtp_error) from None
        except smtplib.SMTPServerDisconnected as error:
            self.close()
            raise TransientFailure(f"connection lost: {describe(error)}",
                                   server_unavailable=True) from None
        except smtplib.SMTPNotSupportedError as error:  # e.g. a non-ASCII address, no SMTPUTF8
            raise PermanentFailure(describe(error)) from None
        except OSError as error:  # a timeout or reset in mid-message; SMTPException is one too
            self.close()
            raise TransientFailure(f"connection lost: {describe(error)}",
                                   server_unavailable=True) from None
        code, text = self.connection.data_reply
        return reply_text(code, text)

    def close(self):
        """Say goodbye to the server (or just drop a connection that is already broken)."""
        connection, self.connection = self.connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()


class DevelopmentBackend:
    """No mail server (SMTP_HOST unset): log one line per message and report it not delivered."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        pass

    def send(self, email):
        """Log the message's envelope; the outbox keeps the message itself."""
        logger.info("development backend, not delivered: to %s, subject %r, Message-ID %s",
                    email["To"], email["Subject"], email["Message-ID"])
        return DEVELOPMENT_ANSWER


def describe(error):
    """An exception as one line for staff: its class when it has no text of its own."""
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def backend_for(config):
    """The backend the configuration asks for: SMTP when SMTP_HOST is set."""
    return SMTPBackend(config) if config["SMTP_HOST"] else DevelopmentBackend()
