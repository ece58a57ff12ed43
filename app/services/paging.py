"""Pages of a list, cut in the database: ``LIMIT``/``OFFSET`` for the rows, ``COUNT`` for the total.

Every list that a caller can page through (API lists now, facilitator pages later) goes
through :func:`page_of`, so no list is loaded whole to be sliced in Python. The window is
checked here too, with the same bounds the API declares, so every face refuses the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import func
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from app.errors import InvalidInput
from app.i18n import N_, Message

T = TypeVar("T")
U = TypeVar("U")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_OFFSET = 2**31 - 1
"""The largest offset: an INTEGER on every database, and far beyond any list held here."""
LIMIT_RANGE = N_("limit must be between 1 and %(most)s")
OFFSET_RANGE = N_("offset must be between 0 and %(most)s")


@dataclass(frozen=True)
class Slice(Generic[T]):
    """One page: ``items`` (at most ``limit``), ``total`` rows of the whole list."""

    items: list[T]
    total: int
    limit: int
    offset: int

    def map(self, convert: Callable[[T], U]) -> Slice[U]:
        return Slice([convert(item) for item in self.items], self.total, self.limit, self.offset)


def check_window(limit: int, offset: int) -> None:
    """Raise :class:`InvalidInput` unless 1 <= limit <= MAX_LIMIT and 0 <= offset <= MAX_OFFSET."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(Message(LIMIT_RANGE, most=MAX_LIMIT), limit=limit)
    if not 0 <= offset <= MAX_OFFSET:
        raise InvalidInput(Message(OFFSET_RANGE, most=MAX_OFFSET), offset=offset)


def page_of(session: Session, query: SelectOfScalar[T], limit: int, offset: int) -> Slice[T]:
    """Run ``query`` (ordered, for a stable page) for one window, and count all its rows."""
    check_window(limit, offset)
    total = session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()
    items = session.exec(query.limit(limit).offset(offset)).all()
    return Slice(list(items), int(total), limit, offset)
