"""Pydantic's refusals in the project's own words: a field named, what it allows, translated.

FastAPI checks query parameters and JSON bodies, and pydantic-settings the ``RADAR_``
settings, with pydantic, whose messages are English sentences of its own ("Field required",
"Input should be greater than or equal to 1"). Those never reach a reader: every error is
told by :func:`message_of` as a catalogue :class:`~app.i18n.Message` (English in
problem+json and on the command line, translated on pages), naming the field by its path and,
where pydantic knows them, the allowed values (:func:`allowed_of`, returned as data too).
A check of our own (a ``ValueError`` in a validator) keeps its own English text, which we
wrote; an error type not listed here gets a plain "is not accepted", never pydantic's text.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping, Sequence
from typing import Any

from app.i18n import N_, Message
from scoring import shorten

REQUIRED = N_("%(field)s is required")
NOT_A_FIELD = N_("%(field)s is not a field of this request; leave it out")
NOT_ONE_OF = N_("%(field)s: %(value)s is not one of %(allowed)s")
NOT_TRUE_OR_FALSE = N_("%(field)s: %(value)s is not true or false")
NOT_WHOLE = N_("%(field)s: %(value)s is not a whole number")
NUMBER_AS_TEXT = N_("%(field)s: %(value)s is text; send the number itself, without quotes")
NOT_A_NUMBER = N_("%(field)s: %(value)s is not a number")
NOT_TEXT = N_("%(field)s: %(value)s is not text")
NOT_A_LIST = N_("%(field)s: a list is needed here")
NOT_AN_OBJECT = N_("%(field)s: an object with named fields is needed here")
AT_LEAST = N_("%(field)s: %(value)s is less than %(limit)s, the smallest allowed")
AT_MOST = N_("%(field)s: %(value)s is more than %(limit)s, the largest allowed")
ABOVE = N_("%(field)s: %(value)s must be more than %(limit)s")
BELOW = N_("%(field)s: %(value)s must be less than %(limit)s")
TEXT_TOO_LONG = N_("%(field)s: %(length)s characters, at most %(limit)s allowed")
TEXT_TOO_SHORT = N_("%(field)s: at least %(limit)s characters needed")
TOO_MANY = N_("%(field)s: %(count)s values, at most %(limit)s allowed")
TOO_FEW = N_("%(field)s: at least %(limit)s values needed")
WRONG_FORM = N_("%(field)s: %(value)s is not in the form this field takes")
NOT_A_MOMENT = N_("%(field)s: %(value)s is not a date and time such as 2027-01-31T09:30:00Z")
NOT_A_DAY = N_("%(field)s: %(value)s is not a date such as 2027-01-31")
NOT_ACCEPTED = N_("%(field)s: %(value)s is not accepted here")
OWN_CHECK = N_("%(field)s: %(problem)s")

_SOURCES = frozenset({"query", "path", "body", "header", "cookie"})
_SHAPES = {
    "bool_type": NOT_TRUE_OR_FALSE,
    "bool_parsing": NOT_TRUE_OR_FALSE,
    "int_type": NOT_WHOLE,
    "int_parsing": NOT_WHOLE,
    "int_from_float": NOT_WHOLE,
    "int_parsing_size": NOT_WHOLE,
    "float_type": NOT_A_NUMBER,
    "float_parsing": NOT_A_NUMBER,
    "finite_number": NOT_A_NUMBER,
    "decimal_type": NOT_A_NUMBER,
    "decimal_parsing": NOT_A_NUMBER,
    "string_type": NOT_TEXT,
    "string_unicode": NOT_TEXT,
    "string_pattern_mismatch": WRONG_FORM,
    "url_parsing": WRONG_FORM,
    "url_type": WRONG_FORM,
    "datetime_type": NOT_A_MOMENT,
    "datetime_parsing": NOT_A_MOMENT,
    "datetime_from_date_parsing": NOT_A_MOMENT,
    "timezone_aware": NOT_A_MOMENT,
    "date_type": NOT_A_DAY,
    "date_parsing": NOT_A_DAY,
    "date_from_datetime_parsing": NOT_A_DAY,
}
_LIMITS = {
    "greater_than_equal": (AT_LEAST, "ge"),
    "less_than_equal": (AT_MOST, "le"),
    "greater_than": (ABOVE, "gt"),
    "less_than": (BELOW, "lt"),
}
_BOOLEANS = ("bool_type", "bool_parsing")
_NUMBERS = ("int_type", "float_type", "decimal_type")
"""Kinds a strict JSON body gives a number sent as text (a query's text is ``*_parsing``)."""
_NUMBER = re.compile(r"-?\d{1,20}(\.\d{1,20})?")
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def field_of(loc: Sequence[str | int]) -> str:
    """An error's location as a client names the field: ``consent``, ``answers.x``,
    ``organisations[1]`` (the source, ``body`` or ``query``, left out)."""
    parts = list(loc[1:] if loc and loc[0] in _SOURCES and len(loc) > 1 else loc)
    name = ""
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else f".{part}" if name else str(part)
    return name or "body"


def allowed_of(error: Mapping[str, Any]) -> list[Any] | None:
    """The values a field allows where pydantic names them: true and false, or the members
    of a literal or an enumeration (in pydantic's order), else None."""
    if error["type"] in _BOOLEANS:
        return [True, False]
    if error["type"] in ("literal_error", "enum"):
        expected = str((error.get("ctx") or {}).get("expected", ""))
        found = _QUOTED.findall(expected)
        if found:
            return [ast.literal_eval(f"'{value}'") for value in found]
        return [part for part in re.split(r", | or ", expected) if part] or None
    return None


def _typed(value: Any) -> str:
    """A refused value as a message repeats it, short (:func:`scoring.shorten`: a number
    beyond a float is named, never Python's "inf"); a number typed in a query or a setting
    is shown as the number it is, unquoted."""
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str | int | float):
        return shorten(value)
    return _JSON_KINDS.get(type(value), "a value of another kind")


_JSON_KINDS: dict[type, str] = {list: "a list", tuple: "a list", dict: "an object"}
"""What a JSON reader calls a value that is neither text, a number nor true/false/null (not
Python's "'list'")."""


def _number_as_text(error: Mapping[str, Any]) -> bool:
    """A number sent as JSON text (``"4"`` where ``4`` belongs): "is not a whole number" would
    puzzle its sender, so the message says what to change."""
    typed = error.get("input")
    return (
        error["type"] in _NUMBERS
        and isinstance(typed, str)
        and _NUMBER.fullmatch(typed.strip()) is not None
    )


def message_of(error: Mapping[str, Any]) -> Message:
    """One pydantic error told in the project's words (see the module's description)."""
    kind = error["type"]
    field = field_of(error.get("loc", ()))
    ctx = error.get("ctx") or {}
    value = _typed(error.get("input"))
    allowed = allowed_of(error)
    allowed_text = ", ".join(_typed(one) for one in allowed) if allowed else ""
    if kind == "missing":
        return Message(REQUIRED, field=field)
    if kind == "extra_forbidden":
        return Message(NOT_A_FIELD, field=field)
    if kind in ("literal_error", "enum"):
        return Message(NOT_ONE_OF, field=field, value=value, allowed=allowed_text)
    if _number_as_text(error):
        return Message(NUMBER_AS_TEXT, field=field, value=shorten(error["input"]))
    if kind in _SHAPES:
        return Message(_SHAPES[kind], field=field, value=value)
    if kind in _LIMITS:
        text, bound = _LIMITS[kind]
        return Message(text, field=field, value=value, limit=ctx.get(bound, ""))
    if kind == "string_too_long":
        length = len(error["input"]) if isinstance(error.get("input"), str) else ""
        return Message(TEXT_TOO_LONG, field=field, length=length, limit=ctx.get("max_length"))
    if kind == "string_too_short":
        return Message(TEXT_TOO_SHORT, field=field, limit=ctx.get("min_length"))
    if kind == "too_long":
        count = ctx.get("actual_length", "")
        return Message(TOO_MANY, field=field, count=count, limit=ctx.get("max_length"))
    if kind == "too_short":
        return Message(TOO_FEW, field=field, limit=ctx.get("min_length"))
    if kind in ("list_type", "tuple_type", "set_type"):
        return Message(NOT_A_LIST, field=field)
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return Message(NOT_AN_OBJECT, field=field)
    if kind in ("value_error", "assertion_error") and ctx.get("error") is not None:
        return Message(OWN_CHECK, field=field, problem=str(ctx["error"]))
    return Message(NOT_ACCEPTED, field=field, value=value)
