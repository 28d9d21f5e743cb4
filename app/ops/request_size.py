"""A chunked request body over MAX_CONTENT_LENGTH is refused with 413, not cut short.

Werkzeug checks a Content-Length against MAX_CONTENT_LENGTH before reading anything. A body
sent chunked has no length: Werkzeug reads it only up to the limit, but then returns what
it has as if the body ended there (LimitedStream.readall), so a form or a JSON document
over the limit would be handled truncated. Here the server's input stream itself raises
RequestEntityTooLarge as soon as it holds one byte more than the limit.
"""

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wsgi import get_content_length


class CappedInput:
    """A WSGI input stream that raises RequestEntityTooLarge past ``limit`` bytes."""

    def __init__(self, stream, limit):
        self._stream = stream
        self._limit = limit
        self._read = 0

    def read(self, size=-1):
        """Up to ``size`` bytes (all that is left when negative), never more than limit + 1."""
        left = self._limit + 1 - self._read
        size = left if size is None or size < 0 else min(size, left)
        return self._count(self._stream.read(size))

    def readline(self, size=-1):
        """One line, read under the same cap."""
        left = self._limit + 1 - self._read
        size = left if size is None or size < 0 else min(size, left)
        return self._count(self._stream.readline(size))

    def __iter__(self):
        """Line by line, as PEP 3333 asks of wsgi.input."""
        while line := self.readline():
            yield line

    def _count(self, data):
        """Count what was read, and refuse the request once it is over the limit."""
        self._read += len(data)
        # Werkzeug never asks for more than the limit: at the limit, look one byte further.
        if self._read > self._limit or (self._read == self._limit and self._stream.read(1)):
            raise RequestEntityTooLarge()
        return data


class RefuseOversizedChunkedBodies:
    """WSGI middleware: caps the input of requests without Content-Length at the app's limit."""

    def __init__(self, wsgi_app, config):
        self.wsgi_app = wsgi_app
        self.config = config

    def __call__(self, environ, start_response):
        """Wrap wsgi.input when the server delimits the body itself (chunked) and a limit is set."""
        limit = self.config.get("MAX_CONTENT_LENGTH")
        terminated = environ.get("wsgi.input_terminated")
        if limit is not None and terminated and get_content_length(environ) is None:
            environ["wsgi.input"] = CappedInput(environ["wsgi.input"], limit)
        return self.wsgi_app(environ, start_response)


def refuse_oversized_chunked_bodies(app):
    """Install the middleware on the app (config read per request: tests may change it)."""
    app.wsgi_app = RefuseOversizedChunkedBodies(app.wsgi_app, app.config)
