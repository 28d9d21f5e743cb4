"""A real SMTP server for the tests (aiosmtpd), recording what it accepts, down and up on demand."""

import asyncio
import email
import email.policy
import socket
import threading
from dataclasses import dataclass

from aiosmtpd.controller import Controller


@dataclass
class Received:
    """One message the server accepted: the envelope and the message parsed back."""

    mail_from: str
    rcpt_tos: list
    message: email.message.EmailMessage

    @property
    def message_id(self):
        """The Message-ID header."""
        # Python folds a long Message-ID onto a second line and reads the fold back as a
        # leading space: the same id.
        return str(self.message["Message-ID"]).strip()


class RecordingHandler:
    """Accepts everything unless told to answer RCPT or DATA with a given reply."""

    def __init__(self):
        self.received = []
        self.lock = threading.Lock()
        self.rcpt_reply = None  # e.g. "550 5.1.1 No such user"
        self.data_reply = None  # e.g. "451 4.3.0 Try again later"
        self.delay = 0.0  # seconds before answering DATA (slows a sender down)
        self.on_data = None  # called with the count so far, after recording, before replying

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_reply:
            return self.data_reply
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
            count = len(self.received)
        if self.on_data is not None:
            self.on_data(count)
        if self.delay:
            await asyncio.sleep(self.delay)
        return f"250 2.0.0 Ok: queued as Q{count}"


def free_port():
    """A TCP port nothing listens on just now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPServer:
    """An aiosmtpd server on a fixed port of 127.0.0.1; ``stop()`` and ``start()`` it at will."""

    def __init__(self, **controller_options):
        self.host = "127.0.0.1"
        self.port = free_port()
        self.handler = RecordingHandler()
        self.controller = None
        # aiosmtpd's: ssl_context (TLS from the start), tls_context and require_starttls,
        # authenticator ...
        self.controller_options = controller_options

    @property
    def received(self):
        """Every message accepted so far, in order."""
        with self.handler.lock:
            return list(self.handler.received)

    def message_ids(self):
        """The Message-IDs accepted so far, in order (repeats included)."""
        return [item.message_id for item in self.received]

    def start(self):
        """Listen (again) on the same port."""
        if self.controller is None:
            self.controller = Controller(self.handler, hostname=self.host, port=self.port,
                                         **self.controller_options)
            self.controller.start()

    def stop(self):
        """Stop listening: connections are refused until ``start()``."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def config(self, **overrides):
        """The app settings that point the sender at this server."""
        return {"SMTP_HOST": self.host, "SMTP_PORT": self.port, "SMTP_SECURITY": "none",
                "SMTP_USERNAME": "", "SMTP_TIMEOUT": 5} | overrides

    def environment(self):
        """The same settings as environment variables, for a `flask` subprocess."""
        return {name: str(value) for name, value in self.config().items()}
