"""gunicorn's access log without the secret that a calendar feed's path carries.

The feed's URL is its own credential (app/calendar_feed), so the path is logged as
``/calendar/<secret>.ics``; a leaked log then opens no vet's calendar.
"""

import re

from gunicorn.glogging import Logger

SECRET_IN_PATH = re.compile(r"(/calendar/)[^/?\s]+(\.ics)")


def redact(text):
    """``text`` (a path or a request line) with any feed secret replaced by a placeholder."""
    return SECRET_IN_PATH.sub(r"\1<secret>\2", text) if text else text


class AccessLogger(Logger):
    """gunicorn's logger, whose path and request-line atoms never show a feed's secret."""

    def atoms(self, resp, req, environ, request_time):
        """The log line's atoms (gunicorn's), with the feed secrets redacted."""
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("U", "r"):
            atoms[name] = redact(atoms[name])
        return atoms
