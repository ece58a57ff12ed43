"""What a partner organisation may hold, checked once for the form, the CSV import and the CLI.

- ``country``: an ISO 3166-1 alpha-2 code as pycountry lists it, plus ``XK`` (Kosovo), the
  user-assigned code the EU and CLDR use; stored upper-case; may be empty.
- ``kind``: one of :class:`~app.models.OrganisationKind`.
- ``population``: a whole number of residents (0 to the INTEGER limit), optional.
- ``foreign_born_share``: the percentage of residents born abroad, 0 to 100, optional.
- ``area_type``: ``urban`` or ``rural``, optional.

Every problem is an :class:`~app.errors.InvalidInput` naming the field and the allowed values;
:func:`problems_of` gives every problem of one form or CSV row at once (the import names them
all), :func:`from_texts` raises them together.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import pycountry

from app import limits, locale_numbers
from app.errors import InvalidInput
from app.i18n import N_, Message
from app.models import AreaType, Organisation, OrganisationKind
from scoring import shorten

EXTRA_COUNTRIES = frozenset({"XK"})
# Labels of the stored values, for the catalogues (pages show them translated).
LABELS = [
    N_("region"),
    N_("municipality"),
    N_("county"),
    N_("city"),
    N_("ngo"),
    N_("other"),
    N_("urban"),
    N_("rural"),
    N_("admin"),
    N_("facilitator"),
]
# Field names as messages name them (translated on pages)
NAME, KIND = N_("organisation name"), N_("organisation kind")
POPULATION, SHARE = N_("population"), N_("foreign-born share")
NOT_TWO_LETTERS = N_("country %(code)s is not a two-letter code such as DE")
NOT_ISO = N_("country %(code)s is not an ISO 3166 country code (such as DE, PL or RO)")
NOT_A_KIND = N_("kind %(value)s is not one of %(allowed)s")
NOT_AN_AREA = N_("area type %(value)s is not one of %(allowed)s")
NOT_PERCENTAGE = N_("%(value)s is not a percentage from %(low)s to %(high)s")
NOT_FINITE = N_("the number is too large to store; enter one from %(low)s to %(high)s")
NOT_WHOLE = N_("%(value)s is not a whole number")
NOT_NUMBER = N_("%(value)s is not a number")
NOT_NUMBER_HERE = N_(
    "%(value)s is not a number as this page writes them; write it like this: %(example)s"
)
_WHOLE = re.compile(r"[+-]?[0-9]{1,30}")
"""A whole number as a CSV cell holds it: ASCII digits only, as every page's language writes
them (no fullwidth or Arabic-Indic digits read as others, no exponent)."""
_DECIMAL = re.compile(r"[+-]?[0-9]{0,30}[.,]?[0-9]{1,30}")
"""A decimal number as a CSV cell holds it: "12.5" or "12,5", ASCII digits only."""
KINDS = tuple(kind.value for kind in OrganisationKind)
AREA_TYPES = tuple(area.value for area in AreaType)


@dataclass(frozen=True)
class PartnerFields:
    """A partner's checked values, as stored."""

    name: str
    country: str = ""
    kind: str = OrganisationKind.REGION.value
    population: int | None = None
    foreign_born_share: float | None = None
    area_type: str | None = None


def country_code(value: str) -> str:
    """``value`` as a stored country code ("" stays empty), else InvalidInput."""
    code = value.strip().upper()
    if not code:
        return ""
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        raise InvalidInput(Message(NOT_TWO_LETTERS, code=shorten(code)), field="country")
    if code not in EXTRA_COUNTRIES and pycountry.countries.get(alpha_2=code) is None:
        raise InvalidInput(Message(NOT_ISO, code=shorten(code)), field="country")
    return code


def kind_value(value: str) -> str:
    limits.text(value, KIND, column=Organisation.kind, required=True)
    kind = value.strip().lower()
    if kind not in KINDS:
        raise InvalidInput(
            Message(NOT_A_KIND, value=shorten(value), allowed=", ".join(KINDS)), field="kind"
        )
    return kind


def area_value(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    area = value.strip().lower()
    if area not in AREA_TYPES:
        raise InvalidInput(
            Message(NOT_AN_AREA, value=shorten(value), allowed=", ".join(AREA_TYPES)),
            field="area_type",
        )
    return area


def share_value(value: float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not math.isfinite(value):  # "1e400": never echoed as inf
        raise limits.field_problem(SHARE, Message(NOT_FINITE, low=0, high=100))
    if not 0 <= value <= 100:
        raise limits.field_problem(
            SHARE, Message(NOT_PERCENTAGE, value=shorten(value), low=0, high=100)
        )
    return float(value)


def check(
    name: str,
    country: str = "",
    kind: str = OrganisationKind.REGION.value,
    population: int | None = None,
    foreign_born_share: float | None = None,
    area_type: str | None = None,
) -> PartnerFields:
    """All of a partner's values checked (the name's uniqueness is the caller's check); the
    first problem is raised (:func:`problems_of` gives them all)."""
    name = limits.name(name.strip(), NAME, column=Organisation.name)
    if population is not None:
        limits.integer(population, POPULATION, column=Organisation.population)
    return PartnerFields(
        name=name,
        country=country_code(country),
        kind=kind_value(kind),
        population=population,
        foreign_born_share=share_value(foreign_born_share),
        area_type=area_value(area_type),
    )


def parse_number(
    text: str, field: str, *, whole: bool, language: str | None = None
) -> float | int | None:
    """A number typed in a form or CSV cell ("" is none). ``field``: its label (``N_``).

    With ``language`` (a page's) it is read as that language writes numbers
    (:func:`app.locale_numbers.parse_number`, as respondents' number answers: "1.500" on a
    German page is 1500, "1,5" one and a half; separators that do not fit are refused). A CSV
    file has no language: "12,5" and "12.5" both work, spaces and apostrophes as thousands
    separators are dropped."""
    if language is not None and text.strip():
        number = locale_numbers.parse_number(text, language, exponent=False)  # as README says
        if whole and (number is None or number != number.to_integral_value()):
            raise limits.field_problem(field, Message(NOT_WHOLE, value=shorten(text)))
        if number is None:  # named with the form this page accepts ("12,5" for "12.5")
            hint = locale_numbers.accepted_form(text, language)
            wrong = Message(NOT_NUMBER_HERE, value=shorten(text), example=hint)
            raise limits.field_problem(field, wrong)
        return int(number) if whole else float(number)
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "").replace("'", "")
    if not cleaned:
        return None
    if whole:
        digits = cleaned.replace(",", "").replace(".", "") if len(cleaned) > 4 else cleaned
        if _WHOLE.fullmatch(digits):  # "-5" is whole: the caller names the range it is out of
            return int(digits)
        raise limits.field_problem(field, Message(NOT_WHOLE, value=shorten(text)))
    if not _DECIMAL.fullmatch(cleaned):  # no "nan", "inf", exponent or other digits
        raise limits.field_problem(field, Message(NOT_NUMBER, value=shorten(text)))
    return float(cleaned.replace(",", "."))


_T = TypeVar("_T")


def _collect(problems: list[InvalidInput], check_one: Callable[[], _T]) -> _T | None:
    """``check_one()``, or None with its problem added to ``problems``."""
    try:
        return check_one()
    except InvalidInput as problem:
        problems.append(problem)
        return None


def problems_of(
    cells: Mapping[str, str], language: str | None = None
) -> tuple[PartnerFields | None, list[InvalidInput]]:
    """A partner from typed texts (a form or a CSV row; missing optional ones are empty) and
    every problem of it, one per field, in the form's order: ``(fields, [])`` or
    ``(None, problems)``. ``language``: the page's, whose number format the numbers follow
    (None: a CSV row, see :func:`parse_number`)."""
    problems: list[InvalidInput] = []
    name = _collect(
        problems,
        lambda: limits.name(cells.get("name", "").strip(), NAME, column=Organisation.name),
    )
    country = _collect(problems, lambda: country_code(cells.get("country", "")))
    kind = _collect(
        problems, lambda: kind_value(cells.get("kind") or OrganisationKind.REGION.value)
    )
    population = _collect(problems, lambda: _population(cells.get("population", ""), language))
    share = _collect(
        problems,
        lambda: share_value(
            parse_number(cells.get("foreign_born_share", ""), SHARE, whole=False, language=language)
        ),
    )
    area = _collect(problems, lambda: area_value(cells.get("area_type") or None))
    if problems or name is None or kind is None or country is None:
        return None, problems
    return PartnerFields(name, country, kind, population, share, area), []


def _population(text: str, language: str | None) -> int | None:
    population = parse_number(text, POPULATION, whole=True, language=language)
    if population is None:
        return None
    return limits.integer(int(population), POPULATION, column=Organisation.population)


def from_texts(cells: Mapping[str, str], language: str | None = None) -> PartnerFields:
    """A partner from typed texts (a form or a CSV row); :class:`InvalidInput` with every
    problem (``detail`` joins them; ``problems`` lists each field's)."""
    fields, problems = problems_of(cells, language)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise InvalidInput(
            _joined(problems),
            problems=[{"field": p.extra.get("field"), "message": p.detail} for p in problems],
        )
    assert fields is not None
    return fields


JOINED = N_("%(first)s; %(rest)s")


def _joined(problems: list[InvalidInput]) -> Message | str:
    if len(problems) == 1:
        return problems[0].message
    return Message(JOINED, first=problems[0].message, rest=_joined(problems[1:]))
