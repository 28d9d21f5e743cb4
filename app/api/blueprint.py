"""The API's one blueprint: every resource hangs on it, so one name is exempt from CSRF and
from the pages' sign-in redirect, and one set of error handlers answers for all of it."""

import http
import json

from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser, abort

LOCATION = {"Location": {"description": "The URL of what was created.", "schema": {"type": "string"}}}


class Parser(FlaskParser):
    """webargs' parser, refusing bad input with the contract's 400 rather than 422."""

    DEFAULT_VALIDATION_STATUS = 400

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        """Say where the JSON breaks, not only that it does."""
        where = ""
        if isinstance(error, json.JSONDecodeError):
            where = f": {error.msg} at line {error.lineno}, column {error.colno}"
        abort(400, exc=error, messages={"json": [f"The body is not valid JSON{where}."]})


class ApiBlueprint(Blueprint):
    """flask-smorest's blueprint with that parser."""

    ARGUMENTS_PARSER = Parser()

    def errors(self, *codes):
        """Document the error responses (problem details) an operation can give."""

        def decorator(view):
            for code in codes:
                view = self.alt_response(code, response=http.HTTPStatus(code).name)(view)
            return view

        return decorator


bp = ApiBlueprint("api", __name__, description="Spring PetClinic REST contract and appointments.")
