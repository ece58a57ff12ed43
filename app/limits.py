"""Limits at every boundary: what the tables can hold, checked before the database sees it.

SQLite stores a 300-character name in a ``VARCHAR(200)``, a NUL byte or a number beyond 64 bits
in silence; PostgreSQL refuses them with a ``DataError``. So that both answer the same, every
service checks each text, number and date it stores (and each name it looks up) here, against
the limit of the column it goes into, and raises :class:`~app.errors.InvalidInput` naming the
field: the CLI prints it as one ``error:`` line, the API as problem+json, pages as an error
page. Lengths come from the model columns (``column=Organisation.name``), so one limit is
written once; the rules for characters and numbers are the scoring library's
(:func:`scoring.text_problem`, :data:`scoring.NUMBER_LIMIT`), shared with definitions and
answers.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from typing import overload

from sqlalchemy import BigInteger, Column

from app.errors import InvalidInput
from app.i18n import N_, Message
from scoring import is_surrogate, shorten, unfit_character

INT_MAX = 2**31 - 1
"""The largest value of an ``INTEGER`` column on PostgreSQL (ids and counts)."""
BIGINT_MAX = 2**63 - 1
FIRST_MOMENT = datetime(2000, 1, 1, tzinfo=UTC)
LAST_MOMENT = datetime(3000, 1, 1, tzinfo=UTC)
"""Dates and times accepted anywhere: years 2000 to 2999 (the end of 2999-12-31 included)."""
_UNSENDABLE = re.compile("[\x00\ud800-\udfff]")


def column_of(attribute: object) -> Column[object]:
    """The table column behind a model attribute, e.g. ``Organisation.name``."""
    expression = getattr(attribute, "expression", None)
    if not isinstance(expression, Column):
        raise TypeError(f"{attribute!r} is not a model column")
    return expression


def max_length(attribute: object) -> int:
    """The length of a ``VARCHAR`` column: ``max_length(Organisation.name)`` is 200."""
    length = getattr(column_of(attribute).type, "length", None)  # String, SQLModel's AutoString
    if not isinstance(length, int):
        raise TypeError(f"{attribute!r} has no length")
    return length


NOT_TEXT = N_("must be text")
TOO_LONG = N_("%(length)s characters, at most %(limit)s allowed")
EMPTY = N_("must not be empty")
NOT_UTF8 = N_("is not valid UTF-8 text (at character %(position)s)")
CONTROL_IN_TEXT = N_(
    "contains the control character %(code)s at position %(position)s; only tabs and line "
    "breaks are allowed"
)
CONTROL_IN_LINE = N_(
    "contains the control character %(code)s at position %(position)s; line breaks and tabs "
    "are not allowed here"
)
FIELD_PROBLEM = N_("%(field)s: %(problem)s")


def text_error(
    value: str,
    *,
    column: object = None,
    length: int | None = None,
    multiline: bool = False,
    required: bool = False,
) -> Message | None:
    """What is wrong with a text to store, or None (see :func:`text` for the rules)."""
    if not isinstance(value, str):
        return Message(NOT_TEXT)
    limit = length if length is not None else max_length(column)
    if len(value) > limit:
        return Message(TOO_LONG, length=len(value), limit=limit)
    if required and not value.strip():
        return Message(EMPTY)
    found = unfit_character(value, multiline=multiline)
    if found is None:
        return None
    position, character = found
    if is_surrogate(character):
        return Message(NOT_UTF8, position=position)
    code = f"U+{ord(character):04X}"
    return Message(CONTROL_IN_TEXT if multiline else CONTROL_IN_LINE, code=code, position=position)


def field_problem(field: str, problem: Message) -> InvalidInput:
    """The error "``field``: ``problem``" (``field`` a catalogue label, translated on pages)."""
    return InvalidInput(Message(FIELD_PROBLEM, field=Message(field), problem=problem), field=field)


def text(
    value: str,
    field: str,
    *,
    column: object = None,
    length: int | None = None,
    multiline: bool = False,
    required: bool = False,
) -> str:
    """``value`` if a column can hold it, else :class:`InvalidInput` naming ``field``.

    The length limit is ``column``'s (a model attribute) unless ``length`` is given (JSON
    columns have none of their own). Refused everywhere: invalid UTF-8, NUL and the other
    control characters; tab and line breaks unless ``multiline``; blank text if ``required``.
    ``field`` is a label the catalogues know (marked with ``N_`` where it is written), so
    pages show the message in their language.
    """
    problem = text_error(
        value, column=column, length=length, multiline=multiline, required=required
    )
    if problem is not None:
        raise field_problem(field, problem)
    return value


NAME_JOINERS = frozenset({"\u200c", "\u200d"})
"""Format characters a name may hold: the zero-width non-joiner and joiner, which Persian and
Indic spellings and emoji sequences need; every other one (``Cf``) is refused."""
FORMAT_CHARACTER = N_(
    "contains the invisible format character %(code)s (%(character)s) at position "
    "%(position)s; a name cannot hold it"
)


def name_error(value: str) -> Message | None:
    """What makes ``value`` unfit as a name beyond :func:`text_error`: a format character
    (Unicode category ``Cf``: the bidi overrides, embeddings and isolates U+202A-U+202E and
    U+2066-U+2069, marks such as U+200E, zero-width spaces, soft hyphens), or None."""
    for position, character in enumerate(value, 1):
        if unicodedata.category(character) == "Cf" and character not in NAME_JOINERS:
            return Message(
                FORMAT_CHARACTER,
                code=f"U+{ord(character):04X}",
                character=unicodedata.name(character, "format character"),
                position=position,
            )
    return None


def name(
    value: str,
    field: str,
    *,
    column: object = None,
    length: int | None = None,
    required: bool = True,
) -> str:
    """A name (of a project, organisation, round, invitation label, account, token): ``value``
    as :func:`text` accepts it and without format characters (:func:`name_error`), which
    would turn the text around it on every page and in every list; else :class:`InvalidInput`
    naming ``field``. The one check of every name field, so pages, API and CLI agree."""
    text(value, field, column=column, length=length, required=required)
    problem = name_error(value)
    if problem is not None:
        raise field_problem(field, problem)
    return value


def optional_text(value: str | None, field: str, *, column: object) -> str | None:
    """Like :func:`text` for a column that may stay empty (None passes)."""
    return None if value is None else text(value, field, column=column)


def findable(value: str, column: object) -> bool:
    """Whether ``value`` could be stored in ``column`` at all, so a lookup may send it.

    A name with NUL, invalid UTF-8 or more characters than the column holds cannot be there:
    the lookup answers "not found" without asking the database (where PostgreSQL would fail).
    Other control characters are still looked up: older rows may hold them.
    """
    return (
        isinstance(value, str)
        and len(value) <= max_length(column)
        and _UNSENDABLE.search(value) is None
    )


WHOLE_NUMBER_RANGE = N_(
    "%(value)s is not allowed here; use a whole number from %(low)s to %(high)s"
)


def integer(value: int, field: str, *, low: int = 0, column: object = None) -> int:
    """``value`` if it lies in ``low`` up to what the (``INTEGER``) column holds."""
    high = INT_MAX
    if column is not None and isinstance(column_of(column).type, BigInteger):
        high = BIGINT_MAX
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise field_problem(
            field,
            Message(WHOLE_NUMBER_RANGE, value=shorten(value), low=low, high=high),
        )
    return value


def is_id(value: int) -> bool:
    """Whether ``value`` can be a row id, so that a lookup by number may send it."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= INT_MAX


NO_TIME_ZONE = N_("needs a time zone (use UTC)")
OUTSIDE_YEARS = N_("%(day)s is outside the years %(first)s to %(last)s")


@overload
def moment(value: datetime, field: str, *, clamp: bool = False) -> datetime: ...
@overload
def moment(value: None, field: str, *, clamp: bool = False) -> None: ...
def moment(value: datetime | None, field: str, *, clamp: bool = False) -> datetime | None:
    """An aware date and time within years 2000 to 2999 (None passes); :class:`InvalidInput`
    without a time zone, and outside those years unless ``clamp``.

    ``clamp`` is for a bound (a filter's "since"): one before the year 2000 counts as its
    start and one after 2999 as its end, since no stored time lies outside."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise field_problem(field, Message(NO_TIME_ZONE))
    if clamp:
        return min(max(value, FIRST_MOMENT), LAST_MOMENT)
    if not FIRST_MOMENT <= value <= LAST_MOMENT:
        raise field_problem(
            field,
            Message(
                OUTSIDE_YEARS,
                day=value.date().isoformat(),
                first=str(FIRST_MOMENT.year),
                last=str(LAST_MOMENT.year - 1),
            ),
        )
    return value
