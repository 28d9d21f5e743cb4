"""Test-only URLs, answered ahead of the app's before-request hooks (a sign-in wall among them).

Their responses and errors still pass through the app's error handlers, after-request hooks
and teardown, as a page's do.
"""

from flask import request


def probe(app, path):
    """Decorate a function that answers GET ``path`` on ``app``."""
    probes = app.extensions.setdefault("test_probes", {})
    if not probes:

        def answer_probes():
            function = probes.get(request.path)
            return function() if function else None

        app.before_request_funcs.setdefault(None, []).insert(0, answer_probes)

    def register(function):
        probes[path] = function
        return function

    return register
