"""Rows of a Core query straight from the driver's cursor, in pages of plain tuples.

SQLAlchemy's result rows cost more than the driver's own: reading the 1.8 million stored scores
of a round of 100,000 responses, a third of the time went to building and unpacking ``Row``
objects on top of the driver's tuples. Code that turns many rows into numpy arrays at once reads
them here instead (in the session's transaction, on its connection). The query is compiled by
the session's dialect with every parameter bound, ``IN`` lists included, so nothing is
formatted into the SQL text.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlmodel import Session

PAGE_ROWS = 10_000
"""Rows fetched per call (psycopg hands over one row per call when iterated row by row)."""


def pages(session: Session, query: ClauseElement, size: int = PAGE_ROWS) -> Iterator[Sequence[Any]]:
    """The rows of ``query`` (plain tuples) in lists of at most ``size``."""
    connection = session.connection()
    compiled = query.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    assert isinstance(compiled, SQLCompiler)
    params = compiled.construct_params() or {}
    arguments: Any = (
        tuple(params[name] for name in compiled.positiontup or ())
        if compiled.positional
        else params
    )
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(compiled), arguments)
        while rows := cursor.fetchmany(size):
            yield rows
    finally:
        cursor.close()
