"""Languages: which one a page speaks, and dates and numbers in it (Flask-Babel).

A page speaks the signed-in user's language (chosen on the account page), else the best match
for the browser's Accept-Language, else the clinic's (CLINIC_LOCALE). Outside a request (the
`flask` commands, the messages worker) it is the clinic's. A message to an owner is written in
the owner's language (``for_owner``). The strings are marked in the source with ``_`` (and
``_l`` where a string is made at import, as form labels are, and read in a request); the
catalogs are translations/<lang>/LC_MESSAGES/messages.po, compiled by the Makefile (README,
"Languages").

Times stay the clinic's wall clock everywhere (app/clinic.py); only how they are written
follows the language. English keeps the clinic's house style ("03 Dec 2026"); the others
write Babel's medium date for their locale ("3 dic 2026", "03.12.2026").
"""

from contextlib import nullcontext
from pathlib import Path

from babel import Locale, dates, numbers
from flask import current_app, g, has_request_context, request
from flask_babel import Babel, force_locale, format_datetime, get_translations
from flask_babel import get_locale as current_locale
from flask_babel.speaklater import LazyString
from jinja2 import pass_eval_context
from markupsafe import Markup
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

__all__ = [
    "LANGUAGES", "_", "_l", "babel", "current_locale", "for_owner", "full_day", "init_i18n",
    "day", "day_and_time", "long_day", "month", "ngettext", "number", "pgettext", "short_day",
    "translations", "weekday", "weekday_name",
]

# The languages the app is written in, each named in itself, as a language menu shows them.
LANGUAGES = {"en": "English", "es": "Español", "fr": "Français", "de": "Deutsch"}
SOURCE_LANGUAGE = "en"
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"

babel = Babel()


def clinic_locale():
    """The clinic's language (CLINIC_LOCALE)."""
    return current_app.config["CLINIC_LOCALE"]


def users_choice(user):
    """The signed-in user's language, if chosen; never from a database that has failed.

    The user is the one the sign-in wall loaded (None before it, anonymous without a sign-in).
    A rollback expires it, and reading an expired attribute is a query: after a failed
    statement, an error page's first _() would ask the database that just failed, and turn
    the 503 into a 500. So an expired user is reloaded only while the database has not failed
    this request; otherwise (or if the reload fails) the browser's language serves.
    """
    state = inspect(user, raiseerr=False)
    if state is None:  # nobody signed in (yet)
        return None
    if "locale" not in state.unloaded:  # as loaded
        return user.locale
    if g.get("database_failure"):
        return None
    try:
        return user.locale
    except SQLAlchemyError:
        return None


def select_locale():
    """The language of this request: the user's choice, the browser's, the clinic's."""
    if not has_request_context():
        return clinic_locale()
    chosen = users_choice(g.get("_login_user"))
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or clinic_locale()


def translations():
    """This request's (or command's) catalog, looked up once and kept on Flask-Babel's context.

    Flask-Babel's own gettext finds the app, the domain, the locale and the catalog cache on
    every call, and a page makes hundreds. The catalog is kept where Flask-Babel itself
    clears it: force_locale (in_language, for_owner) sets it aside and puts it back, and
    refresh() drops it, so a changed language is looked up again.
    """
    try:
        bound = g._flask_babel.babel_translations
    except (AttributeError, RuntimeError):  # not looked up yet; no app context
        bound = None
    if bound is None:
        bound = get_translations()  # makes g._flask_babel when there is an app context
        if g:
            g._flask_babel.babel_translations = bound
    return bound


def _(string, **variables):
    """A string in this page's language; %(name)s placeholders filled from ``variables``."""
    text = translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular, plural, num, **variables):
    """The singular or a plural form for ``num`` (available as %(num)d) in this language."""
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


def pgettext(context, string, **variables):
    """A string told apart from its namesakes by ``context`` ("message recipient": "To")."""
    text = translations().upgettext(context, string)
    return text % variables if variables else text


def _l(string, **variables):
    """A string translated when it is shown (form labels, made at import, read in a request)."""
    return LazyString(_, string, **variables)


# The templates' _() and ngettext(): Jinja's "newstyle" gettext (the translation is markup, its
# %(name)s filled from escaped keyword arguments, "%%" a percent sign), with one call where
# Jinja's own goes through three (its _ alias, its wrapper, the function given) and Context.call
# before each. A page makes dozens: this was a fifth of what the languages added to one.
@pass_eval_context
def template_gettext(eval_ctx, string, **variables):
    text = translations().ugettext(string)
    if not variables:  # formatted all the same, as Jinja's is: "%%" reads "%"
        text %= variables
        return Markup(text) if eval_ctx.autoescape else text
    return (Markup(text) if eval_ctx.autoescape else text) % variables


@pass_eval_context
def template_ngettext(eval_ctx, singular, plural, num, **variables):
    variables.setdefault("num", num)
    text = translations().ungettext(singular, plural, num)
    return (Markup(text) if eval_ctx.autoescape else text) % variables


def select_timezone():
    """Every time is the clinic's wall clock (CLINIC_TIMEZONE), whoever reads it."""
    return current_app.config["CLINIC_TIMEZONE"]


def in_language(code):
    """A context in which text is written in ``code``'s language, or as it is (None, unknown)."""
    return force_locale(code) if code in LANGUAGES else nullcontext()


def for_owner(owner):
    """A context in which text is written in ``owner``'s language (else the clinic's)."""
    language = getattr(owner, "language", None)
    return force_locale(language if language in LANGUAGES else clinic_locale())


def _english():
    return str(current_locale()) == SOURCE_LANGUAGE


# The dates and times below are the clinic's wall clock already (naive): Babel writes them as
# they are, where Flask-Babel's own format_date would move them from UTC to the time zone.
def day(value):
    """A date: 03 Dec 2026 in English, the locale's medium date in the others."""
    if not value:
        return ""
    if _english():
        return value.strftime("%d %b %Y")
    return dates.format_date(value, "medium", locale=current_locale())


def long_day(value):
    """A date as a letter writes it: 3 December 2026, 3 de diciembre de 2026."""
    if _english():
        return f"{value.day} {value:%B %Y}"
    return dates.format_date(value, "long", locale=current_locale())


def full_day(value):
    """A date with its weekday: Thursday 3 December 2026, jeudi 3 décembre 2026."""
    if _english():
        return f"{value:%A} {value.day} {value:%B %Y}"
    return dates.format_date(value, "full", locale=current_locale())


def short_day(value):
    """A date with its short weekday: Thu 03 Dec 2026, jue, 3 dic 2026."""
    if not value:
        return ""
    if _english():
        return value.strftime("%a %d %b %Y")
    return dates.format_skeleton("yMMMEd", value, locale=current_locale())


def month(value):
    """A month and its year: December 2026, diciembre de 2026."""
    if _english():
        return value.strftime("%B %Y")
    return dates.format_skeleton("yMMMM", value, locale=current_locale())


def weekday_name(index, width="wide"):
    """The name of a weekday by its number, Monday 0 (as date.weekday() counts)."""
    return current_locale().days["format"][width if width == "wide" else "abbreviated"][index]


def weekday(value, width="wide"):
    """The name of a date's weekday (Thursday, jueves), or its short form (Thu, jue)."""
    if not value:
        return ""
    return dates.format_date(value, "EEEE" if width == "wide" else "EEE", locale=current_locale())


def day_and_time(value):
    """A wall-clock date and time: 03 Dec 2026 10:00, or the locale's medium date and HH:mm."""
    if not value:
        return ""
    return f"{day(value)} {value:%H:%M}"


def moment(value):
    """A stored UTC timestamp in the clinic's time zone: 04 May 2026 10:00 CDT."""
    if not value:
        return ""
    if _english():
        from app.clinic import clinic_time

        return clinic_time(value)
    return format_datetime(value, "medium")


def number(value, digits=None):
    """A number as the locale writes it: 4.5 in English, 4,5 in the others."""
    if value is None:
        return ""
    pattern = None if digits is None else "#,##0." + "0" * digits
    return numbers.format_decimal(value, format=pattern, locale=current_locale())


def language_name(code):
    """A language's own name (Español), for a code the app speaks; the code otherwise."""
    return LANGUAGES.get(code) or (Locale.parse(code).get_display_name() if code else "")


def init_i18n(app):
    """Bind Flask-Babel and give the templates the formatting filters."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["CLINIC_LOCALE"])
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config["CLINIC_TIMEZONE"])
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    # Flask-Babel installed Jinja's i18n extension, newstyle; the templates' _, gettext and
    # ngettext then go to the request's catalog by one call each (template_gettext).
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext,
                                 ngettext=template_ngettext)
    app.add_template_filter(day, "day")
    app.add_template_filter(weekday, "weekday")
    app.add_template_filter(day_and_time, "day_and_time")
    app.add_template_filter(short_day, "short_day")
    app.add_template_filter(month, "month")
    app.add_template_filter(weekday_name, "weekday_name")
    app.add_template_filter(moment, "clinic_time")
    app.add_template_filter(number, "number")
    app.add_template_filter(language_name, "language_name")
    app.add_template_global(LANGUAGES, "languages")
    app.add_template_global(current_locale, "current_locale")
