"""JSON request bodies read with bounds: depth, NaN, Infinity, huge numbers, lone surrogates,
duplicate keys.

FastAPI parses a JSON body with :func:`json.loads`, which accepts ``NaN`` and ``Infinity``
(not JSON), ``"\\ud800"`` (text no database can store) and an object with one key twice
(the last one silently wins, so a client's mistake goes unseen), and answers a body nested too deep
for its recursion guard with a bare 400. Routers whose routes take a JSON body use
:class:`BoundedJsonRoute`: it reads the body (its size already bounded by
:class:`app.middleware.Edge`), parses it itself and hands the result to FastAPI as
the request's parsed JSON, so FastAPI never parses the body again.

Bounds: the size is the middleware's; the C parser stops at its recursion guard (about 1000
levels) as soon as it meets it, so 100,000 levels cost what 1000 do (measured: about 1 ms and
60 kB), and a walk refuses more than :data:`MAX_DEPTH` levels. A scan for the depth before
parsing was tried and dropped: skipping strings with a regular expression is quadratic for a
body of escaped quotes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from app.errors import InvalidInput, MalformedJson
from app.i18n import N_, Message
from scoring import shorten

NOT_A_JSON_NUMBER = N_("%(where)s: %(value)s is not a number in JSON; send a finite number")
KEY_TWICE = N_("%(where)s: the key %(key)s appears more than once; send each key once")
LONE_SURROGATE = N_("%(where)s: %(value)s is not valid Unicode text (a lone surrogate)")
NOT_UTF8 = N_(
    "The body is not valid JSON: the byte %(byte)s at position %(position)s is not UTF-8 text."
)
ENDS_EARLY = N_(
    "The body is not valid JSON: it ends at character %(position)s before its value is complete."
)
MORE_AFTER = N_(
    "The body is not valid JSON: its value is complete before character %(position)s "
    "(line %(line)s, column %(column)s), but more follows."
)
CANNOT_CONTINUE = N_(
    "The body is not valid JSON: what stands at character %(position)s "
    "(line %(line)s, column %(column)s) cannot come there."
)
NESTS_TOO_DEEP = N_("The JSON body nests deeper than %(most)s levels; send at most that many.")

MAX_DEPTH = 32
"""Nesting levels a body may have (an answer list inside answers inside the body is 3)."""
_SURROGATE = re.compile("[\ud800-\udfff]")


MAX_DIGITS = 4300
"""Digits an integer may have to be read as one: Python's own bound for turning text into an
int (:func:`sys.get_int_max_str_digits`, there because the conversion is quadratic)."""


class _NotANumber(str):
    """``NaN``, ``Infinity`` or ``-Infinity`` where a value was: :func:`_check` names its path."""


def _not_a_number(name: str) -> _NotANumber:
    return _NotANumber(name)


def _integer(text: str) -> int | float:
    """An integer literal; one of more than :data:`MAX_DIGITS` digits is read as the float it
    overflows to (±infinity, as ``1e400`` is), so that every number too large to store meets
    the same check: the answer's item and range, or the field's type (Python's own error text,
    which names its limit and a function to raise it, never reaches a client)."""
    if len(text) - text.startswith("-") > MAX_DIGITS:
        return float(text)
    return int(text)


def _decimal(text: str) -> float:
    """A number with a fraction or exponent; ``-0.0`` (and what underflows to it) is 0.0, so no
    answer is stored or shown as a negative zero."""
    return float(text) or 0.0


class _Duplicated(dict[str, Any]):
    """An object that had a key more than once (the first such key is ``duplicate``)."""

    duplicate: str


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict, marked when a key came twice (:func:`_check` names its path)."""
    value = dict(pairs)
    if len(value) == len(pairs):
        return value
    marked = _Duplicated(value)
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            marked.duplicate = key
            break
        seen.add(key)
    return marked


Where = str | tuple["Where", str | int]
"""A value's place in the body: ``"body"``, or its parent's place and its key (an object's
member) or index (a list's item). Named as text (:func:`_named`) only for a value refused."""


def _named(where: Where) -> str:
    """``body.answers.leadership.mandate``, ``body.items[2]``: a place as the problem names it."""
    if isinstance(where, str):
        return where
    parent, step = where
    if isinstance(step, int):
        return f"{_named(parent)}[{step}]"
    return f"{_named(parent)}.{shorten(step)[1:-1]}"


def _field(name: str) -> str:
    """The ``field`` a problem names: the member's path as the body's schema errors name
    theirs (``answers.leadership.mandate``), the whole body as ``body``."""
    return name.removeprefix("body.")


def _check(value: Any, where: Where, depth: int = 1) -> None:
    """Refuse nesting beyond :data:`MAX_DEPTH`, lone surrogates anywhere (keys too) and keys
    that an object has twice. A place is named only for what is refused: naming each member
    of a body of 60 answers cost more than the checks themselves."""
    kind = type(value)
    if kind is int or kind is float or kind is bool or value is None:
        return  # a number, boolean or null: nothing here can be refused
    if depth > MAX_DEPTH and isinstance(value, dict | list):
        raise MalformedJson(Message(NESTS_TOO_DEEP, most=MAX_DEPTH))
    if isinstance(value, _NotANumber):
        name = _named(where)
        raise InvalidInput(
            Message(NOT_A_JSON_NUMBER, where=name, value=str(value)),
            field=_field(name),
            value=str(value),
        )
    if isinstance(value, _Duplicated):
        name = _named(where)
        raise InvalidInput(
            Message(KEY_TWICE, where=name, key=shorten(value.duplicate)),
            field=_field(name),
            key=value.duplicate,
        )
    if isinstance(value, str):
        if _SURROGATE.search(value):
            name = _named(where)
            raise InvalidInput(
                Message(LONE_SURROGATE, where=name, value=shorten(value)),
                field=_field(name),
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(key, where, depth)
            _check(item, (where, key), depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, (where, index), depth + 1)


def _syntax_error(exc: json.JSONDecodeError) -> Message:
    """Where a body stops being JSON, in this service's words (Python's parser text, such as
    "Expecting value", is no message for a client); positions count characters from 0."""
    where = {"position": exc.pos, "line": exc.lineno, "column": exc.colno}
    if exc.msg == "Extra data":
        return Message(MORE_AFTER, **where)
    if exc.pos >= len(exc.doc.rstrip()) or exc.msg.startswith("Unterminated"):
        return Message(ENDS_EARLY, position=len(exc.doc))
    return Message(CANNOT_CONTINUE, **where)


def parse(body: bytes) -> Any:
    """The body's JSON value; :class:`MalformedJson` (400) for what is not JSON or nests too
    deep, :class:`InvalidInput` (422) for NaN, Infinity, lone surrogates and an object with a
    key twice (``field`` is its path, ``key`` the key). Numbers are never refused here: one
    too large to store is ±infinity, which the answer checks name with the item's range and
    the body schemas refuse for their fields, so the problem says what the field allows."""
    try:
        value = json.loads(
            body,
            parse_constant=_not_a_number,
            parse_int=_integer,
            parse_float=_decimal,
            object_pairs_hook=_object,
        )
    except json.JSONDecodeError as exc:
        raise MalformedJson(_syntax_error(exc)) from None
    except RecursionError:  # the parser's own guard: about 1000 levels, met at once
        raise MalformedJson(Message(NESTS_TOO_DEEP, most=MAX_DEPTH)) from None
    except UnicodeDecodeError as exc:
        byte = f"0x{exc.object[exc.start]:02X}"
        raise MalformedJson(Message(NOT_UTF8, byte=byte, position=exc.start)) from None
    _check(value, "body")
    return value


def _is_json(request: Request) -> bool:
    kind = request.headers.get("content-type", "application/json").split(";")[0].strip()
    return kind == "application/json" or kind.endswith("+json")


class BoundedJsonRoute(APIRoute):
    """An API route whose JSON body is read by :func:`parse`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()
        if self.body_field is None:
            return handle

        async def bounded(request: Request) -> Response:
            body = await request.body()
            if body and _is_json(request):
                # Starlette keeps a parsed body here; FastAPI then takes it as parsed
                request._json = parse(body)
            return await handle(request)

        return bounded
