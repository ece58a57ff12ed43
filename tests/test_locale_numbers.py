"""Numbers as people type them in a page's language (app.locale_numbers, issue 9.3)."""

from __future__ import annotations

import doctest
from decimal import Decimal

import pytest
from starlette.datastructures import FormData

from app import locale_numbers
from app.web.respond.answer_forms import parse_page
from scoring import parse_definition
from tests.helpers import minimal_definition

READ = [
    ("de", "1.500", Decimal(1500)),
    ("de", "1,5", Decimal("1.5")),
    ("de", "1.234.567,25", Decimal("1234567.25")),
    ("de", "-3", Decimal(-3)),
    ("en", "1.500", Decimal("1.5")),
    ("en", "1,500", Decimal(1500)),
    ("en", "+7", Decimal(7)),
    ("fr", "1 234,5", Decimal("1234.5")),  # a plain space for the narrow no-break one
    ("fr", "1\u202f234,5", Decimal("1234.5")),
    ("pl", "12 000", Decimal(12000)),
    ("ar", "1,234.5", Decimal("1234.5")),
    ("de-AT", "1,5", Decimal("1.5")),
    ("xx", "1.5", Decimal("1.5")),  # a language Babel does not know reads as English
]
REFUSED = [
    ("de", "1.5"),
    ("de", "1.50"),
    ("de", "1,234.5"),
    ("en", "1,5"),
    ("en", "1.234,5"),
    ("en", "1,2,3"),
    ("fr", "1.500"),  # neither of French's separators: not read as 1.5
    ("en", "NaN"),
    ("en", "Infinity"),
    ("en", "1_000"),
    ("en", "12 apples"),
    ("en", ""),
    ("en", "   "),
]


@pytest.mark.parametrize(("language", "typed", "number"), READ)
def test_numbers_are_read_as_written_in_the_language(
    language: str, typed: str, number: Decimal
) -> None:
    assert locale_numbers.parse_number(typed, language) == number


@pytest.mark.parametrize(("language", "typed"), REFUSED)
def test_ambiguous_or_foreign_entries_are_not_guessed(language: str, typed: str) -> None:
    assert locale_numbers.parse_number(typed, language) is None


@pytest.mark.parametrize("language", ["de", "en", "fr", "pl", "ar"])
@pytest.mark.parametrize("value", [0, 1500, -0.25, 1234.5, 10**15, 0.125, 2024])
def test_a_number_written_back_reads_back_the_same(language: str, value: float) -> None:
    shown = locale_numbers.as_typed(value, language)
    assert locale_numbers.parse_number(shown, language) == Decimal(str(value))
    assert locale_numbers.parse_number(locale_numbers.as_read(value, language), language) == (
        Decimal(str(value))
    )


def test_the_example_is_accepted_in_its_language() -> None:
    for language in ("de", "en", "fr", "pl", "ar", "es"):
        example = locale_numbers.example(language)
        assert locale_numbers.parse_number(example, language) == Decimal("1234.5"), language


def test_stored_numbers_are_json_numbers() -> None:
    data = minimal_definition()
    data["items"].append(
        {
            "id": "leadership.staff",
            "dimension": "leadership",
            "type": "number",
            "required": False,
            "text": {"de": "Personal?", "en": "Staff?"},
        }
    )
    definition = parse_definition(data)

    def stored(typed: str, language: str) -> object:
        answers, _ = parse_page(
            definition, "leadership", FormData([("leadership.staff", typed)]), language
        )
        return answers["leadership.staff"]

    assert stored("1.500", "de") == 1500
    assert isinstance(stored("1.500", "de"), int)
    assert stored("1,0", "de") == 1
    assert stored("0,1", "de") == 0.1
    assert stored("1e28", "en") == 1e28  # beyond the limit: validation names the range
    assert stored("1,5", "en") == "1,5"  # as typed: validation names it


def test_docstring_examples() -> None:
    assert doctest.testmod(locale_numbers).failed == 0
