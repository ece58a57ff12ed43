"""JSON request bodies read with bounds: depth, NaN, Infinity, lone surrogates, duplicate keys.

FastAPI parses a JSON body with :func:`json.loads`, which accepts ``NaN`` and ``Infinity``
(not JSON), ``"\\ud800"`` (text no database can store) and an object with one key twice
(the last one silently wins, so a client's mistake goes unseen), and answers a body nested too deep
for its recursion guard with a bare 400. Routers whose routes take a JSON body use
:class:`BoundedJsonRoute`: it reads the body (its size already bounded by
:class:`app.middleware.BodySizeLimit`), parses it itself and hands the result to FastAPI as
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
from scoring import shorten

MAX_DEPTH = 32
"""Nesting levels a body may have (an answer list inside answers inside the body is 3)."""
_SURROGATE = re.compile("[\ud800-\udfff]")


def _not_a_number(name: str) -> Any:
    raise InvalidInput(f"{name} is not a number in JSON; send a finite number", value=name)


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


def _check(value: Any, where: str, depth: int = 1) -> None:
    """Refuse nesting beyond :data:`MAX_DEPTH`, lone surrogates anywhere (keys too) and keys
    that an object has twice."""
    if depth > MAX_DEPTH and isinstance(value, dict | list):
        raise MalformedJson(f"the JSON body nests deeper than {MAX_DEPTH} levels")
    if isinstance(value, _Duplicated):
        raise InvalidInput(
            f"{where}: the key {shorten(value.duplicate)} appears more than once; "
            "send each key once",
            field=where,
            key=value.duplicate,
        )
    if isinstance(value, str):
        if _SURROGATE.search(value):
            raise InvalidInput(
                f"{where}: {shorten(value)} is not valid Unicode text (a lone surrogate)",
                field=where,
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(key, where, depth)
            _check(item, f"{where}.{shorten(key)[1:-1]}", depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, f"{where}[{index}]", depth + 1)


def parse(body: bytes) -> Any:
    """The body's JSON value; :class:`MalformedJson` (400) for what is not JSON or nests too
    deep, :class:`InvalidInput` (422) for NaN, Infinity, lone surrogates and an object with a
    key twice (``field`` is its path, ``key`` the key)."""
    try:
        value = json.loads(body, parse_constant=_not_a_number, object_pairs_hook=_object)
    except json.JSONDecodeError as exc:
        raise MalformedJson(f"not valid JSON: {exc.msg} (at character {exc.pos})") from None
    except RecursionError:  # the parser's own guard: about 1000 levels, met at once
        raise MalformedJson(f"the JSON body nests deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:  # UnicodeDecodeError, a number of more than 4300 digits
        raise MalformedJson(f"not valid JSON: {shorten(str(exc), 120)}") from None
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
