"""Confirmation pages: the GET before a destructive POST, saying exactly what will go.

The page's form posts to the same address (the action's own POST endpoint, unchanged, which
the API's clients and the tests may still call directly); no script is needed (CSP).
"""

from flask import render_template, request

from app.i18n import _


def counted(number, text):
    """``text`` (the count in words, written by ngettext: '1 visit', '3 visits'), or None for
    none (left out of a sentence)."""
    return text if number else None


def in_words(parts):
    """'a', 'a and b', 'a, b and c' of the parts that are not None."""
    parts = [part for part in parts if part]
    if len(parts) < 2:
        return "".join(parts)
    # Translators: the end of a list, "visits, weights and alerts"; %(items)s is joined by ", ".
    return _("%(items)s and %(last)s", items=", ".join(parts[:-1]), last=parts[-1])


def confirmation_page(question, button, back, details=(), refusal=None, fields=None):
    """The page asking ``question``, listing ``details``, with ``button`` posting here.

    ``refusal``: why it cannot be done (the page says so and offers no button);
    ``fields``: hidden fields the POST carries (where to return to).
    """
    return render_template("confirm.html", question=question, button=button, back=back,
                           details=details, refusal=refusal, action=request.path,
                           fields=fields or {})
