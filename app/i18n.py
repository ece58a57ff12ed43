"""User-interface languages: gettext catalogues, language negotiation, locale formatting.

Catalogues live as plain ``.po`` files in ``app/translations/<lang>/LC_MESSAGES/messages.po``
and are compiled in memory on first use, so a fresh ``pip install -e .`` needs no build step.
Adding a UI language means adding a catalogue (and the texts in the questionnaire definition).
A questionnaire may declare languages the interface has no catalogue for: their pages show the
definition's texts in that language and the interface in English, and the language choice says
so (:func:`language_options`).

Texts of a questionnaire definition (``{"de": ..., "en": ...}``) are picked with
:meth:`Localizer.text`, falling back to the definition's default language.

Dates follow the conventions of the page language's region: English pages write British dates
("5 March 2026", the audience is European) unless the browser's Accept-Language names another
English region explicitly (``en-US`` gives "March 5, 2026"); any language takes the region its
reader names the same way (``de-AT``: "5. März 2026"). See :func:`date_locale`.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from gettext import NullTranslations
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError, localedata
from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

from app.times import calendar_day, last_day, zone
from scoring import SCORE_DECIMALS, round_score

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
DOMAIN = "messages"
FALLBACK_LANGUAGE = "en"
DEFAULT_REGIONS = {"en": "en_GB"}
"""The date conventions of a language whose reader names no region (a European audience)."""


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


def catalogue_path(language: str) -> Path:
    return TRANSLATIONS_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache
def available_languages() -> tuple[str, ...]:
    """Languages that have a UI catalogue, sorted."""
    if not TRANSLATIONS_DIR.is_dir():
        return (FALLBACK_LANGUAGE,)
    found = {p.name for p in TRANSLATIONS_DIR.iterdir() if catalogue_path(p.name).is_file()}
    return tuple(sorted(found | {FALLBACK_LANGUAGE}))


@lru_cache
def translations(language: str) -> NullTranslations:
    """The compiled catalogue of ``language`` (a null catalogue if there is none)."""
    path = catalogue_path(language)
    if not path.is_file():
        return NullTranslations()
    with path.open("rb") as source:
        catalogue = read_po(source, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalogue, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def parse_accept_language(header: str | None) -> list[str]:
    """Language tags of an Accept-Language header, best first (q=0 dropped)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*" and quality > 0:
            ranked.append((-quality, position, tag.strip().lower()))
    return [tag for _, _, tag in sorted(ranked)]


def negotiate(header: str | None, supported: Sequence[str], default: str) -> str:
    """The first of the client's preferred languages that is supported, else ``default``."""
    for tag in parse_accept_language(header):
        for candidate in (tag, tag.split("-")[0]):
            if candidate in supported:
                return candidate
    return default if default in supported or not supported else supported[0]


def date_locale(language: str, header: str | None) -> str:
    """The Babel locale for dates on a page in ``language``: the first region the browser's
    Accept-Language names for that language (``en-US`` -> ``en_US``), else
    :data:`DEFAULT_REGIONS` (English: ``en_GB``), else the language itself.

    >>> date_locale("en", "en-US,en;q=0.8"), date_locale("en", "de-DE, en")
    ('en_US', 'en_GB')
    >>> date_locale("de", "de-AT"), date_locale("de", None)
    ('de_AT', 'de')
    """
    for tag in parse_accept_language(header):
        base, _, region = tag.partition("-")
        name = f"{language}_{region.upper()}"
        if base == language and region and localedata.exists(name):
            return name
    return DEFAULT_REGIONS.get(language, language)


@lru_cache
def text_direction(language: str) -> str:
    """``"rtl"`` or ``"ltr"``: the script direction Babel's CLDR data gives for ``language``.

    Pages set it on ``<html dir>`` and the chart mirrors itself by it; asking CLDR instead of
    keeping a list of right-to-left languages covers every language a definition may declare
    ("ar", "fa", "he", "ur", "ckb", ...). An unknown code reads left to right.

    >>> text_direction("ar"), text_direction("de-AT")
    ('rtl', 'ltr')
    """
    try:
        return str(Locale.parse(language, sep="-").text_direction)
    except (ValueError, UnknownLocaleError):
        return "ltr"


def has_interface(language: str) -> bool:
    """Whether the interface speaks ``language`` (a catalogue exists, or it is English)."""
    return language in available_languages()


@dataclass(frozen=True)
class LanguageOption:
    """A language a respondent may choose: ``code``, its own ``name`` ("Polski") and whether
    the interface around the questionnaire's texts ``falls_back`` to English in it."""

    code: str
    name: str
    falls_back: bool


def language_options(languages: Sequence[str]) -> list[LanguageOption]:
    """The choice offered for a questionnaire's ``languages`` (its order kept): every one of
    them, those without an interface catalogue marked as falling back to English."""
    return [
        LanguageOption(code, language_name(code), not has_interface(code)) for code in languages
    ]


@lru_cache
def plural_samples(language: str) -> tuple[tuple[str, int], ...]:
    """One count of each CLDR plural category of ``language``, for text a browser completes
    with a count it computes (``Intl.PluralRules`` names the same categories). "other" is
    always there, as the form for a category a browser might name that the language's whole
    numbers never reach (Polish writes its "many" form there).

    >>> dict(plural_samples("en")), dict(plural_samples("pl"))
    ({'other': 0, 'one': 1}, {'many': 0, 'one': 1, 'few': 2, 'other': 0})
    >>> dict(plural_samples("ar"))
    {'zero': 0, 'one': 1, 'two': 2, 'few': 3, 'many': 11, 'other': 100}
    """
    try:
        rule = Locale.parse(language, sep="-").plural_form
    except (ValueError, UnknownLocaleError):
        rule = Locale.parse(FALLBACK_LANGUAGE).plural_form
    samples: dict[str, int] = {}
    for count in (*range(200), 1_000_000):
        samples.setdefault(rule(count), count)
    samples.setdefault("other", samples.get("many", 0))
    return tuple(samples.items())


def language_name(language: str, in_language: str | None = None) -> str:
    """The language's own name ("Deutsch", "English"), for language switchers; with
    ``in_language`` its name in that language (``language_name("en", "de")``: "Englisch")."""
    try:
        name = Locale.parse(language).get_display_name(in_language or language)
    except (ValueError, UnknownLocaleError):
        return language
    return (name or language)[:1].upper() + (name or language)[1:]


class Message:
    """A message with named values, told in English to the API and the CLI (``str()``) and in
    the page's language on pages (:meth:`Localizer.message`).

    ``text`` is a catalogue msgid (mark it with :func:`N_`) with ``%(name)s`` placeholders.
    Values: a :class:`Message` (a field's name, say) is translated too; a number is written
    plain in English text ("4000", as a client reads it) and in the locale's format on pages
    ("4.000" in German, grouping as Babel gives); anything else as ``str()``.
    """

    __slots__ = ("text", "values")

    def __init__(self, text: str, **values: Any) -> None:
        self.text = text
        self.values = values

    def __str__(self) -> str:
        return self.text % {name: plain(value) for name, value in self.values.items()}

    def __repr__(self) -> str:
        return f"Message({self.text!r}, **{self.values!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and (self.text, self.values) == (other.text, other.values)

    def __hash__(self) -> int:
        return hash(self.text)


def plain(value: object) -> str:
    """A message value as the API and CLI write it: numbers without grouping ("4000", "1.5")."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class Localizer:
    """Everything a page needs to speak one language: messages, numbers, dates, texts."""

    language: str
    fallback: str = FALLBACK_LANGUAGE
    _translations: NullTranslations = field(default_factory=NullTranslations, repr=False)
    time_zone: str = "UTC"
    dates: str = ""
    """The Babel locale of dates (:func:`date_locale`); empty: the language's own."""

    @classmethod
    def for_language(
        cls,
        language: str,
        fallback: str = FALLBACK_LANGUAGE,
        time_zone: str = "UTC",
        accept_language: str | None = None,
    ) -> Localizer:
        """The localizer of a page; ``accept_language`` (the request's header) may choose the
        region of the date conventions."""
        dates = date_locale(language, accept_language)
        return cls(language, fallback, translations(language), time_zone, dates)

    @property
    def falls_back(self) -> bool:
        """Whether the interface is shown in English for want of a catalogue in this language
        (the definition's texts still come in it)."""
        return not has_interface(self.language)

    @property
    def interface_language(self) -> str:
        """The language the interface's own strings are in: this one, or English."""
        return FALLBACK_LANGUAGE if self.falls_back else self.language

    @property
    def plural_samples(self) -> tuple[tuple[str, int], ...]:
        """A count of each plural category of the interface language (:func:`plural_samples`)."""
        return plural_samples(self.interface_language)

    @property
    def language_name(self) -> str:
        """The page language's own name ("Français")."""
        return language_name(self.language)

    @property
    def direction(self) -> str:
        """The page's text direction, ``"rtl"`` or ``"ltr"`` (see :func:`text_direction`)."""
        return text_direction(self.language)

    def gettext(self, message: str) -> str:
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self._translations.ngettext(singular, plural, count)

    def knows(self, msgid: str) -> bool:
        """Whether this language's catalogue has ``msgid`` (a text a service wrote in English
        only, such as "no round 12", is not one)."""
        catalogue = getattr(self._translations, "_catalog", None)
        return isinstance(catalogue, dict) and msgid in catalogue

    def message(self, message: Message | str) -> str:
        """A :class:`Message` (or a plain msgid) in this language, its numbers in this
        locale's format (see :class:`Message`)."""
        if isinstance(message, str):
            return self.gettext(message)
        return self.gettext(message.text) % {
            name: self._value(value) for name, value in message.values.items()
        }

    def _value(self, value: object) -> str:
        if isinstance(value, Message):
            return self.message(value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return format_decimal(value, locale=self.language)
        return str(value)

    def number(self, value: float | None, digits: int = 0) -> str:
        if value is None:
            return "–"
        return _formatted(value, digits, self.language)

    def score(self, value: float | None) -> str:
        """A score as readers see it everywhere: rounded by the scoring rule (half up, one
        decimal, :func:`scoring.round_score`) and written in this locale ("74,7")."""
        return self.number(round_score(value), SCORE_DECIMALS)

    def percent(self, fraction: float) -> str:
        return format_percent(fraction, locale=self.language)

    def moment(self, value: dt.datetime | None, *, day_only: bool) -> str:
        """A stored time as readers see it: "5 March 2026, 15:30" in the service's time zone,
        or for a day-only value (anonymous rounds, :mod:`app.times`) the date alone, as stored,
        never shifted to another day by a time-zone conversion."""
        if value is None:
            return ""
        if day_only:
            return format_date(calendar_day(value), "long", locale=self._dates)
        local = value.astimezone(zone(self.time_zone))
        day = format_date(local, "long", locale=self._dates)
        return f"{day}, {format_time(local, 'short', locale=self._dates)}"

    def date(self, value: dt.datetime | None) -> str:
        """The local day of a precise moment, e.g. "5 March 2026"."""
        if value is None:
            return ""
        return format_date(value.astimezone(zone(self.time_zone)), "long", locale=self._dates)

    def day(self, value: dt.date | None) -> str:
        """A calendar day as it stands, e.g. "31 January 2027" (no time-zone conversion)."""
        if value is None:
            return ""
        return format_date(value, "long", locale=self._dates)

    def last_day(self, end: dt.datetime | None) -> str:
        """The last day before an exclusive end (an expiry made by
        :func:`app.times.end_of_day`) in the service's time zone, e.g. "31 December 2027"."""
        if end is None:
            return ""
        return format_date(last_day(end, self.time_zone), "long", locale=self._dates)

    @property
    def _dates(self) -> str:
        return self.dates or DEFAULT_REGIONS.get(self.language, self.language)

    def text(self, texts: Mapping[str, str] | None) -> str:
        """A definition text in this language, else the fallback, else any."""
        if not texts:
            return ""
        for language in (self.language, self.fallback):
            if texts.get(language):
                return texts[language]
        return next(iter(texts.values()))

    def texts(self, lists: Mapping[str, list[str]] | None) -> list[str]:
        """A definition list of texts (e.g. recommendations) in this language."""
        if not lists:
            return []
        for language in (self.language, self.fallback):
            if lists.get(language):
                return list(lists[language])
        return list(next(iter(lists.values())))


@lru_cache(maxsize=8192)
def _formatted(value: float, digits: int, language: str) -> str:
    """A number in a language's notation, remembered: Babel takes about 0.1 ms per call, and a
    dashboard writes thousands of scores, most of them one of the 1,001 rounded values."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=language)
