"""Numbers as people type them in the page's language, parsed strictly (issue 9.3).

A number field is a text field: the browser never rewrites what was typed, and the server
reads it with Babel's :func:`babel.numbers.parse_decimal` in strict mode, in the page's locale.
So "1.500" on a German page is one thousand five hundred and "1,5" is one and a half, while
"1.500" on an English page is one and a half. An entry whose separators do not fit the locale
("1.5" or "1.50" in German, "1,5" in English) is not guessed at: it is refused, and the message
shows an accepted form (:func:`example`, :func:`accepted_form`). Where the locale groups digits
with a space (French, Polish) any kind of space a keyboard produces counts as that space, since
nobody types a narrow no-break space; characters that are neither the ASCII digits 0 to 9 (every
supported locale writes those), a sign, an exponent nor one of the locale's two separators are
refused: so "1.500" on a French page, whose separators are a space and a comma, is refused
rather than read as 1.5, and fullwidth ("５") or Arabic-Indic ("٣") digits are not read as
another number than the one shown. An exponent is read in respondents' answers ("1e28" is then
refused naming the answer's range); the partner form refuses it (``exponent=False``).

>>> parse_number("1.500", "de"), parse_number("1,5", "de"), parse_number("1.500", "en")
(Decimal('1500'), Decimal('1.5'), Decimal('1.500'))
>>> parse_number("1,5", "en") is None, parse_number("1.5", "de") is None
(True, True)
>>> parse_number("1 234,5", "fr"), parse_number("1.500", "fr")
(Decimal('1234.5'), None)
>>> example("de"), example("en")
('1.234,5', '1,234.5')
>>> parse_number("1e2", "en", exponent=False), parse_number("\uff15", "de")
(None, None)
>>> accepted_form("12.5", "de")
'12,5'
>>> as_typed(1500, "de"), as_typed(1234.5, "de"), as_typed(0.125, "en")
('1.500', '1.234,5', '0.125')
>>> looks_grouped("1,500", "de"), looks_grouped("1,5", "de"), looks_grouped("1,500", "en")
(True, False, False)
>>> as_read(1500.125, "de"), as_read(2024, "en")
('1.500,125', '2,024')
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import (
    NumberFormatError,
    format_decimal,
    get_decimal_symbol,
    get_group_symbol,
    get_minus_sign_symbol,
    get_plus_sign_symbol,
    parse_decimal,
)

EXAMPLE = Decimal("1234.5")
_SPACES = "\u0020\u00a0\u2007\u2009\u202f"
FALLBACK_LOCALE = "en"


@lru_cache
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale.parse(FALLBACK_LOCALE)


@lru_cache
def _accepted(language: str, exponent: bool) -> re.Pattern[str]:
    """Characters a number may hold in ``language``: ASCII digits, signs, separators, and
    with ``exponent`` an e or E."""
    locale = _locale(language)
    symbols = {
        get_decimal_symbol(locale),
        get_group_symbol(locale),
        get_minus_sign_symbol(locale),
        get_plus_sign_symbol(locale),
        "-",
        "+",
    }
    if get_group_symbol(locale) in _SPACES:
        symbols |= set(_SPACES)
    if exponent:
        symbols |= {"e", "E"}
    return re.compile(f"[0-9{re.escape(''.join(sorted(symbols)))}]+")


def parse_number(text: str, language: str, *, exponent: bool = True) -> Decimal | None:
    """The number ``text`` means in ``language``, or None when it is not one (or ambiguous,
    or, without ``exponent``, written with one)."""
    stripped = text.strip()
    if not stripped or not _accepted(language, exponent).fullmatch(stripped):
        return None
    locale = _locale(language)
    group = get_group_symbol(locale)
    if group in _SPACES:
        stripped = re.sub(f"[{_SPACES}]", group, stripped)
    try:
        number = parse_decimal(stripped, locale=locale, strict=True)
    except NumberFormatError:
        return None
    return number if number.is_finite() else None


def example(language: str) -> str:
    """An accepted way to write one thousand two hundred and thirty-four and a half."""
    return format_decimal(EXAMPLE, locale=_locale(language))


def accepted_form(text: str, language: str) -> str:
    """How ``language`` writes the number ``text`` holds in the other usual notation ("12,5"
    for "12.5" typed on a German page), else :func:`example`: a hint for a refused entry,
    never a reading of it (the entry is refused either way)."""
    for other in ("en", "de"):
        number = parse_number(text, other, exponent=False)
        if number is not None:
            return _every_digit(number, language, grouped=True)
    return example(language)


def as_typed(value: int | float, language: str) -> str:
    """A stored number written back into a field, so the reader sees how it was read: the
    locale's format, grouped as Babel groups ("1.500" in German for 1500 typed as "1500"),
    every digit kept; parsing it again gives the same number."""
    return _every_digit(value, language, grouped=True)


def looks_grouped(text: str, language: str) -> bool:
    """Whether ``text`` has the locale's decimal sign followed by exactly three digits and
    nothing else after one to three digits ("1,500" in German, "1.500" in English): read as a
    decimal ("1,5"), but in another language it is one thousand five hundred."""
    locale = _locale(language)
    decimal = re.escape(get_decimal_symbol(locale))
    return re.fullmatch(rf"[+-]?\d{{1,3}}{decimal}\d{{3}}", text.strip()) is not None


def as_read(value: int | float, language: str) -> str:
    """A stored number as an answer on a page that lists answers: grouped ("1.500,25" in
    German), every digit kept (an answer is not a score: nothing is rounded away)."""
    return _every_digit(value, language, grouped=True)


def _every_digit(value: int | float | Decimal, language: str, *, grouped: bool) -> str:
    return format_decimal(
        Decimal(str(value)),
        locale=_locale(language),
        decimal_quantization=False,
        group_separator=grouped,
    )
