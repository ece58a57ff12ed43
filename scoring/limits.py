"""Limits that definitions, answers and the service's tables share: one number for one limit.

Everything a definition author or a respondent hands in is checked against these before it is
scored, formatted or stored, so that every database and every formatter can hold it and both
databases give the same answer. The service's tables take their lengths from here too
(``app/models.py``), and ``app/limits.py`` applies the same checks at the service's other
boundaries.

>>> text_problem("Region Skåne", multiline=False) is None
True
>>> text_problem("two\\nlines", multiline=False)
'contains the control character U+000A at position 4; line breaks and tabs are not allowed here'
>>> text_problem("a\\x00b", multiline=True)
'contains the control character U+0000 at position 2; only tabs and line breaks are allowed'
>>> number_problem(1e28)
'1e+28 is outside -1000000000000000..1000000000000000'
>>> number_problem(float("nan"))
'a value that is not a number is outside -1000000000000000..1000000000000000'
>>> text_length("two\\r\\nlines"), text_length("Grüße 😀")
(9, 8)
>>> shorten("x" * 100)
"'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…' (100 characters)"
"""

from __future__ import annotations

import math
import re
from typing import Any

NUMBER_LIMIT = 10**15
"""The largest magnitude of any number in a definition or an answer.

Every integer up to it is exact in a float (2**53 is about 9.0e15) and in JavaScript, and it
leaves room for two decimals in the 28 significant digits of decimal formatting."""

IDENTIFIER_LENGTH = 64
"""Slugs and ids of dimensions, areas, indexes, scales, choices and bands."""
ITEM_ID_LENGTH = 100
VERSION_LENGTH = 20
LANGUAGE_LENGTH = 16
DEFINITION_TEXT_LENGTH = 10_000
"""One text of a definition in one language (a title, a label, a help text)."""
ANSWER_TEXT_LENGTH = 20_000
"""The most a text item may allow (its ``max_length``)."""

MAX_LANGUAGES = 50
MAX_ITEMS = 1_000
MAX_PARTS = 200
"""Dimensions, areas, indexes, scales, choices of an item, scale values, listed texts."""
MAX_PROBLEMS = 100
"""Problems reported for one definition; more are summarised in one line."""

DEFINITION_FILE_BYTES = 1_048_576
"""A definition file's size; the flagship questionnaire needs less than a tenth of it."""
DEFINITION_DEPTH = 20
"""Nesting of mappings and lists in a definition document (the model itself needs 7)."""
DEFINITION_NODES = 50_000
"""Values in a definition document, counting what each alias (``*name``) repeats, so that
nested aliases ("billion laughs") cannot make a small file expand into a huge one."""

SHORT = 60
"""Characters of an input that a message quotes before abbreviating it."""

_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_SURROGATE = "\ud800-\udfff"
_NOT_IN_LINE = re.compile(f"[\t\n\r{_CONTROL}{_SURROGATE}]")
_NOT_IN_TEXT = re.compile(f"[{_CONTROL}{_SURROGATE}]")


def unfit_character(value: str, *, multiline: bool) -> tuple[int, str] | None:
    """The first character :func:`text_problem` refuses, as (1-based position, character)."""
    found = (_NOT_IN_TEXT if multiline else _NOT_IN_LINE).search(value)
    return None if found is None else (found.start() + 1, found.group())


def is_surrogate(character: str) -> bool:
    """Whether ``character`` is a lone surrogate: what undecodable bytes (not UTF-8) become."""
    return "\ud800" <= character <= "\udfff"


def text_problem(value: str, *, multiline: bool) -> str | None:
    """What makes ``value`` unfit to store, or None.

    Refused: characters that are not valid Unicode text (lone surrogates, which is what a
    command-line argument or JSON escape that was not valid UTF-8 becomes), NUL and the other
    control characters; tab and line breaks only where ``multiline`` allows them. Positions
    are 1-based.
    """
    found = unfit_character(value, multiline=multiline)
    if found is None:
        return None
    position, character = found
    if is_surrogate(character):
        return f"is not valid UTF-8 text (at character {position})"
    allowed = (
        "only tabs and line breaks are allowed"
        if multiline
        else "line breaks and tabs are not allowed here"
    )
    return (
        f"contains the control character U+{ord(character):04X} at position {position}; {allowed}"
    )


_LINE_BREAK = re.compile("\r\n?")


def normalise_line_breaks(value: str) -> str:
    """``value`` with every line break as ``"\\n"``: a browser posts a textarea's line breaks as
    CRLF but counts (and shows) each one as one character, so that is how it is stored."""
    return _LINE_BREAK.sub("\n", value)


def text_length(value: str) -> int:
    """The length of a text as a browser counts it for ``maxlength``: UTF-16 code units after
    line breaks are normalised, so a line break is 1 and an emoji outside the Basic
    Multilingual Plane is 2 (JavaScript's ``value.length``). One rule for the field's limit, its
    counter and the server, so the server never refuses what the browser let through."""
    normalised = normalise_line_breaks(value)
    return len(normalised) + sum(1 for c in normalised if ord(c) > 0xFFFF)


def not_finite(value: float) -> str:
    """How a message names a float that is not finite ("1e400" parses as infinity): never
    "inf" or "nan", which nobody typed, but what the value is."""
    if math.isnan(value):
        return "a value that is not a number"
    return "a number too large to store" if value > 0 else "a number too small to store"


def number_problem(value: int | float) -> str | None:
    """Why a number cannot be stored or formatted (not finite, beyond :data:`NUMBER_LIMIT`)."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"{not_finite(value)} is outside {-NUMBER_LIMIT}..{NUMBER_LIMIT}"
    if abs(value) > NUMBER_LIMIT:
        shown = f"{value:g}" if isinstance(value, float) else shorten(value)
        return f"{shown} is outside {-NUMBER_LIMIT}..{NUMBER_LIMIT}"
    return None


def shorten(value: Any, limit: int = SHORT) -> str:
    """``repr(value)``, abbreviated, so that a message never grows with its input.

    Control characters and invalid text show escaped, as ``repr`` shows them; a float that is
    not finite is named (:func:`not_finite`), never "inf" or "nan".
    """
    if isinstance(value, float) and not math.isfinite(value):
        return not_finite(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**limit:
        return f"a number of about {int(value.bit_length() * math.log10(2)) + 1} digits"
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit] + '…'!r} ({len(value)} characters)"
    text = repr(value)
    return text if len(text) <= limit + 2 else text[:limit] + "…"
