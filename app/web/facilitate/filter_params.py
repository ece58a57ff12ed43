"""A facilitator page's GET filters, read leniently so that a wrong one is told on the page.

Typed as FastAPI parameters, a filter out of range (``k=999``, ``page=-1``) or naming another
project's organisation would be refused before the route runs, with a bare error page and no
filter form to correct it in. The dashboard, the change page and the quality page read their
filters with :class:`QueryReader` instead: each wrong value becomes a problem under its
parameter's name (shown beside its field and in the page's summary, with the allowed values
or range), the page is drawn without that filter, what was typed stays in ``typed``, and the
page answers 422.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from starlette.datastructures import QueryParams

from app import limits
from app.forms import Problems, collect
from app.i18n import Message
from app.validation_messages import NOT_ONE_OF, TEXT_TOO_LONG
from scoring import shorten

_T = TypeVar("_T")
TEXT_LIMIT = 100
"""The longest text filter a page accepts (a country code, a kind, a group name)."""


@dataclass
class QueryReader:
    """The query's values by name; every problem met while reading lands in ``problems``."""

    params: QueryParams
    problems: Problems = field(default_factory=dict)

    @property
    def status(self) -> int:
        """The page's status: 422 when any filter was refused."""
        return 422 if self.problems else 200

    def check(self, name: str, checked: Callable[[], _T]) -> _T | None:
        """``checked()``, or None with its refusal noted under ``name``."""
        return collect(self.problems, name, checked)

    def text(self, name: str, limit: int = TEXT_LIMIT) -> str:
        """The stripped text of ``name`` ("" when missing or too long, which is noted)."""
        value = self.params.get(name, "").strip()
        if len(value) > limit:
            self.problems.setdefault(
                name, Message(TEXT_TOO_LONG, field=name, length=len(value), limit=limit)
            )
            return ""
        return value

    def texts(self, name: str, limit: int = TEXT_LIMIT) -> list[str]:
        """Every value of a repeated ``name`` within ``limit`` characters (others noted)."""
        kept = []
        for value in self.params.getlist(name):
            if len(value) > limit:
                self.problems.setdefault(
                    name, Message(TEXT_TOO_LONG, field=name, length=len(value), limit=limit)
                )
            else:
                kept.append(value)
        return kept

    def _whole(self, name: str, text: str, low: int, high: int) -> int | None:
        stripped = text.strip()
        if (
            stripped.isascii()
            and stripped.lstrip("-").isdigit()
            and len(stripped) <= len(str(high)) + 1
        ):
            number = int(stripped)
            if low <= number <= high:
                return number
        numeral = stripped.isascii() and stripped.lstrip("-").isdigit() and len(stripped) <= 40
        shown = stripped if numeral else shorten(text)  # a number as typed, unquoted
        wrong = Message(limits.WHOLE_NUMBER_RANGE, value=shown, low=low, high=high)
        self.problems.setdefault(name, Message(limits.FIELD_PROBLEM, field=name, problem=wrong))
        return None

    def whole(self, name: str, default: int, *, low: int = 1, high: int = limits.INT_MAX) -> int:
        """The whole number ``name`` from ``low`` to ``high``; ``default`` when it is missing
        or empty, or when it is anything else (which is noted, naming the range)."""
        text = self.params.get(name, "")
        if not text.strip():
            return default
        found = self._whole(name, text, low, high)
        return default if found is None else found

    def optional_whole(self, name: str, *, low: int = 1, high: int = limits.INT_MAX) -> int | None:
        """As :meth:`whole`, None when missing, empty or refused."""
        text = self.params.get(name, "")
        return self._whole(name, text, low, high) if text.strip() else None

    def ids(self, name: str) -> list[int]:
        """Every row id of a repeated ``name`` (empty values skipped; others noted)."""
        typed = [text for text in self.params.getlist(name) if text.strip()]
        found = (self._whole(name, text, 1, limits.INT_MAX) for text in typed)
        return [number for number in found if number is not None]

    def one_of(self, name: str, value: str, allowed: tuple[str, ...]) -> str:
        """``value`` if it is one of ``allowed`` (or empty), else "" with the choices noted."""
        if not value or value in allowed:
            return value
        self.problems.setdefault(
            name,
            Message(NOT_ONE_OF, field=name, value=shorten(value), allowed=", ".join(allowed)),
        )
        return ""
