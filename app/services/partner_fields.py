"""What a partner organisation may hold, checked once for the form, the CSV import and the CLI.

- ``country``: an ISO 3166-1 alpha-2 code as pycountry lists it, plus ``XK`` (Kosovo), the
  user-assigned code the EU and CLDR use; stored upper-case; may be empty.
- ``kind``: one of :class:`~app.models.OrganisationKind`.
- ``population``: a whole number of residents (0 to the INTEGER limit), optional.
- ``foreign_born_share``: the percentage of residents born abroad, 0 to 100, optional.
- ``area_type``: ``urban`` or ``rural``, optional.

Every problem is an :class:`~app.errors.InvalidInput` naming the field and the allowed values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pycountry

from app import limits
from app.errors import InvalidInput
from app.i18n import N_
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
        raise InvalidInput(f"country {shorten(code)} is not a two-letter code such as DE")
    if code not in EXTRA_COUNTRIES and pycountry.countries.get(alpha_2=code) is None:
        raise InvalidInput(
            f"country {shorten(code)} is not an ISO 3166 country code (such as DE, PL or RO)",
            field="country",
        )
    return code


def kind_value(value: str) -> str:
    limits.text(value, "organisation kind", column=Organisation.kind, required=True)
    kind = value.strip().lower()
    if kind not in KINDS:
        raise InvalidInput(f"kind {shorten(value)} is not one of {', '.join(KINDS)}", field="kind")
    return kind


def area_value(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    area = value.strip().lower()
    if area not in AREA_TYPES:
        raise InvalidInput(
            f"area type {shorten(value)} is not one of {', '.join(AREA_TYPES)}",
            field="area_type",
        )
    return area


def share_value(value: float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not math.isfinite(value) or not 0 <= value <= 100:
        raise InvalidInput(
            f"foreign-born share: {shorten(value)} is not a percentage from 0 to 100",
            field="foreign_born_share",
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
    """All of a partner's values checked (the name's uniqueness is the caller's check)."""
    name = limits.text(name.strip(), "organisation name", column=Organisation.name, required=True)
    if population is not None:
        limits.integer(population, "population", column=Organisation.population)
    return PartnerFields(
        name=name,
        country=country_code(country),
        kind=kind_value(kind),
        population=population,
        foreign_born_share=share_value(foreign_born_share),
        area_type=area_value(area_type),
    )


def parse_number(text: str, field: str, *, whole: bool) -> float | int | None:
    """A number typed in a form or CSV cell ("" is none; "12,5" and "12.5" both work; spaces
    and apostrophes as thousands separators are dropped)."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "").replace("'", "")
    if not cleaned:
        return None
    if whole:
        digits = cleaned.replace(",", "").replace(".", "") if len(cleaned) > 4 else cleaned
        if digits.isdigit():
            return int(digits)
        raise InvalidInput(f"{field}: {shorten(text)} is not a whole number", field=field)
    try:
        return float(cleaned.replace(",", "."))
    except ValueError:
        raise InvalidInput(f"{field}: {shorten(text)} is not a number", field=field) from None


def from_texts(cells: Mapping[str, str]) -> PartnerFields:
    """A partner from typed texts (a form or a CSV row; missing optional ones are empty)."""
    population = parse_number(cells.get("population", ""), "population", whole=True)
    share = parse_number(cells.get("foreign_born_share", ""), "foreign_born_share", whole=False)
    return check(
        cells.get("name", ""),
        cells.get("country", ""),
        cells.get("kind") or OrganisationKind.REGION.value,
        population=int(population) if population is not None else None,
        foreign_born_share=share,
        area_type=cells.get("area_type") or None,
    )
