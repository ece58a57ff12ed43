"""Rows of a Core query straight from the driver's cursor, in pages of plain tuples.

SQLAlchemy's result rows cost more than the driver's own: reading the 1.8 million stored scores
of a round of 100,000 responses, a third of the time went to building and unpacking ``Row``
objects on top of the driver's tuples. Code that turns many rows into numpy arrays at once reads
them here instead (in the session's transaction, on its connection). The query is executed by
SQLAlchemy as any other (compiled once and cached, every parameter bound, ``IN`` lists
included); only the fetching skips its result processing, so the columns must be of types the
driver returns as they are meant (numbers, texts, NULL): no JSON, dates or enums, unless the
caller applies the column type's own processing (as the round CSV does for its times,
``app.services.round_rows._moments``) or selects JSON as text.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy.sql import Executable
from sqlmodel import Session

PAGE_ROWS = 10_000
"""Rows fetched per call (psycopg hands over one row per call when iterated row by row)."""


def pages(session: Session, query: Executable, size: int = PAGE_ROWS) -> Iterator[Sequence[Any]]:
    """The rows of ``query`` (plain tuples) in lists of at most ``size``."""
    result = session.connection().execute(query)
    cursor = result.cursor  # the driver's own; the result has fetched nothing yet
    try:
        while rows := cursor.fetchmany(size):
            yield rows
    finally:
        result.close()
