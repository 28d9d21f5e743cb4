"""The message catalogs are complete: every marked string of the source is translated into
every language, nothing fuzzy, nothing stale, and each translation keeps its source's
placeholders and markup.

The strings are extracted here from the source, with babel.cfg, as `make messages-extract`
does, so a string marked today and not yet in translations/<lang>/LC_MESSAGES/messages.po
fails this test, not a page in front of a Spanish-speaking receptionist.
"""

import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from app.i18n import LANGUAGES, SOURCE_LANGUAGE, TRANSLATIONS

REPO = Path(__file__).resolve().parent.parent
TARGETS = sorted(set(LANGUAGES) - {SOURCE_LANGUAGE})
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None}

# What must survive translation unchanged: %(name)s placeholders, {name} fields, tags.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%%|\{\w*\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def extracted():
    """{(msgid, context): (plural, where)} of every string marked in app/ and templates/."""
    with open(REPO / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            REPO, method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True):
        singular, plural = message if isinstance(message, tuple) else (message, None)
        found.setdefault((singular, context), (plural, f"{filename}:{lineno}"))
    return found


@pytest.fixture(scope="module")
def source():
    found = extracted()
    assert len(found) > 500, "the extraction found almost nothing: is babel.cfg right?"
    return found


def catalog(language):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=language)


def shape(text):
    """What a translation must keep of its source: placeholders and tags, as a multiset."""
    tags = [re.sub(r"\s.*", ">", tag) for tag in TAG.findall(text)]  # the element, not its words
    return Counter(PLACEHOLDER.findall(text)) + Counter(tags)


def test_the_source_strings_are_whole_sentences_with_named_placeholders(source):
    positional = [f"{where}: {msgid!r}" for (msgid, _context), (_plural, where) in source.items()
                  if re.search(r"%[sd]", msgid)]
    assert not positional, "use named placeholders, %(name)s, so translators can reorder:\n" + \
        "\n".join(positional)


@pytest.mark.parametrize("language", TARGETS)
def test_every_marked_string_is_translated(source, language):
    translations = catalog(language)
    missing, empty, fuzzy = [], [], []
    for (msgid, context), (plural, where) in source.items():
        entry = translations.get(msgid, context=context)
        if entry is None:
            missing.append(f"{where}: {msgid!r}")
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(strings) or (plural and not isinstance(entry.string, tuple)):
            empty.append(f"{where}: {msgid!r}")
        if entry.fuzzy:
            fuzzy.append(f"{where}: {msgid!r}")
    problems = ([f"not in the {language} catalog (make messages-update):"] + missing if missing
                else []) + (["untranslated:"] + empty if empty else []) + \
        (["fuzzy (check, then drop the flag):"] + fuzzy if fuzzy else [])
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", TARGETS)
def test_no_catalog_keeps_strings_the_source_no_longer_has(source, language):
    stale = [entry.id for entry in catalog(language) if entry.id and
             (entry.id[0] if isinstance(entry.id, tuple) else entry.id, entry.context) not in source]
    assert not stale, f"{language}: no longer in the source (make messages-update):\n" + \
        "\n".join(map(repr, stale))


@pytest.mark.parametrize("language", TARGETS)
def test_translations_keep_their_placeholders_and_markup(language):
    problems, translations = [], catalog(language)
    for entry in translations:
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for text in strings:
            # A plural's forms may leave the count out ("un chat"), nothing else.
            expected = shape(ids[-1])
            if len(ids) > 1:
                expected.pop("%(num)d", None)
                got = shape(text)
                got.pop("%(num)d", None)
            else:
                got = shape(text)
            if text and got != expected:
                problems.append(f"{ids[0]!r} -> {text!r}: {dict(expected)} != {dict(got)}")
        problems += [f"{ids[0]!r}: {error}" for error in
                     map(str, entry.check(translations))]
    assert not problems, f"{language}:\n" + "\n".join(problems)


def test_each_language_the_app_offers_has_a_catalog_and_no_other():
    have = {path.parent.parent.name for path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")}
    assert have == set(TARGETS)
