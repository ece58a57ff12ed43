"""UI catalogues: complete for every language, loaded without a build step; negotiation; locale
formatting of numbers and dates."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from app.i18n import (
    TRANSLATIONS_DIR,
    Localizer,
    available_languages,
    catalogue_path,
    language_name,
    negotiate,
    parse_accept_language,
)
from app.services import invitations
from app.settings import PROJECT_ROOT
from app.web import messages
from tests.web.conftest import MakeLink, begin, complete

PLACEHOLDER = re.compile(r"%\((\w+)\)s")
METHODS = [("app/**.py", "python"), ("templates/**.html", "jinja2")]


def _extracted() -> set[str | tuple[str, str]]:
    """Messages of the code and templates; plural ones as (singular, plural)."""
    found: set[str | tuple[str, str]] = set()
    for folder in ("app", "templates"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            PROJECT_ROOT / folder,
            method_map=[(pattern.split("/", 1)[1], method) for pattern, method in METHODS],
            options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
            keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None},
        ):
            if isinstance(message, str) and message:
                found.add(message)
            elif isinstance(message, tuple) and message[0]:
                found.add((message[0], message[1]))
    return found


@pytest.mark.parametrize("language", available_languages())
def test_catalogue_is_complete(language: str) -> None:
    with catalogue_path(language).open("rb") as source:
        catalogue = read_po(source)
    translated = {
        m.id: m.string
        for m in catalogue
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    missing = sorted(map(str, _extracted() - set(translated)))
    assert not missing, f"{language}: untranslated or missing messages: {missing}"
    for msgid, text in translated.items():
        assert set(PLACEHOLDER.findall(str(msgid))) == set(PLACEHOLDER.findall(str(text))), msgid


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("en", "1 of 1 question answered", "1 of 2 questions answered"),
        ("de", "1 von 1 Frage beantwortet", "1 von 2 Fragen beantwortet"),
    ],
)
def test_counts_take_the_catalogues_plural_forms(language: str, one: str, two: str) -> None:
    i18n = Localizer.for_language(language)
    singular = "%(answered)s of %(num)s question answered"
    plural = "%(answered)s of %(num)s questions answered"
    assert i18n.ngettext(singular, plural, 1) % {"answered": 1, "num": 1} == one
    assert i18n.ngettext(singular, plural, 2) % {"answered": 1, "num": 2} == two


def test_catalogues_load_from_po_files_without_compiling() -> None:
    assert not list(Path(TRANSLATIONS_DIR).rglob("*.mo"))
    assert {"de", "en", "fr", "pl"} <= set(available_languages())
    german = Localizer.for_language("de")
    assert german.gettext("Save and continue") == "Speichern und weiter"
    assert Localizer.for_language("sv").gettext("Save and continue") == "Save and continue"


def test_messages_of_other_layers_are_listed_verbatim() -> None:
    assert invitations.INVALID_MESSAGE in messages.SERVICE_MESSAGES
    assert invitations.CLOSED_MESSAGE in messages.SERVICE_MESSAGES


def test_accept_language_negotiation() -> None:
    assert parse_accept_language("en;q=0.5, de-AT, fr;q=0") == ["de-at", "en"]
    assert negotiate("fr-CH, de;q=0.8", ["de", "en"], "en") == "de"
    assert negotiate("sv", ["de", "en"], "de") == "de"
    assert negotiate(None, ["de", "en"], "en") == "en"
    assert negotiate("en-GB;q=bad, en", ["de", "en"], "de") == "en"


def test_locale_formatting() -> None:
    german, english = Localizer.for_language("de"), Localizer.for_language("en")
    assert german.number(1234.5, 1) == "1.234,5"
    assert english.number(1234.5, 1) == "1,234.5"
    assert german.number(None) == "–"
    moment = datetime(2026, 3, 5, 14, 30, tzinfo=UTC)
    assert german.date(moment) == "5. März 2026"
    assert english.date(moment) == "5 March 2026"  # en-GB conventions by default
    assert language_name("de") == "Deutsch"
    assert language_name("en") == "English"


@pytest.mark.parametrize(
    ("language", "header", "expected"),
    [
        ("en", None, "5 March 2026, 15:30"),
        ("en", "en", "5 March 2026, 15:30"),
        ("en", "en-GB,en;q=0.9", "5 March 2026, 15:30"),
        ("en", "en-US,en;q=0.9", "March 5, 2026, 3:30\u202fPM"),
        ("en", "de-DE,de;q=0.9,en-US;q=0.5", "March 5, 2026, 3:30\u202fPM"),
        ("en", "en-ZZ, en", "5 March 2026, 15:30"),  # an unknown region: the default
        ("de", "de-DE", "5. März 2026, 15:30"),
        ("de", "en-US", "5. März 2026, 15:30"),  # the region of another language is not used
    ],
)
def test_dates_follow_the_region_the_browser_names_else_british_english(
    language: str, header: str | None, expected: str
) -> None:
    """English dates are British unless Accept-Language names another English region."""
    moment = datetime(2026, 3, 5, 14, 30, tzinfo=UTC)
    localizer = Localizer.for_language(language, time_zone="Europe/Berlin", accept_language=header)
    assert localizer.moment(moment, day_only=False) == expected


def test_english_pages_write_british_dates(client: TestClient, make_link: MakeLink) -> None:
    """The result page of a named round: "30 November 2026", not "November 30, 2026"."""
    page = complete(begin(client, make_link()))
    assert re.search(r"Submitted on \d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d\.", page.text), page.text


@pytest.mark.parametrize(
    ("zone", "expected"),
    [("Europe/Berlin", "30 November 2026"), ("Pacific/Auckland", "30 November 2026")],
)
def test_a_day_only_value_is_a_date_in_every_zone(zone: str, expected: str) -> None:
    day = datetime(2026, 11, 30, tzinfo=UTC)  # as stored: 00:00 UTC of the day
    for language, text in (("en", expected), ("de", "30. November 2026")):
        localizer = Localizer.for_language(language, time_zone=zone)
        assert localizer.moment(day, day_only=True) == text
    assert Localizer.for_language("en", time_zone=zone).moment(None, day_only=True) == ""


def test_definition_texts_fall_back() -> None:
    swedish = Localizer.for_language("sv", fallback="de")
    assert swedish.text({"de": "Hallo", "en": "Hello"}) == "Hallo"
    assert swedish.texts({"en": ["a"]}) == ["a"]
    assert swedish.text(None) == ""


def test_every_error_title_is_translated() -> None:
    from app import errors

    def subclasses(cls: type) -> list[type]:
        return [cls, *(s for sub in cls.__subclasses__() for s in subclasses(sub))]

    titles = {cls.title for cls in subclasses(errors.AppError)}
    assert titles <= set(messages.ERROR_TITLES)
