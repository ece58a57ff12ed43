"""Downloads streamed from a read unit of work of their own (round exports).

A request's unit of work ends before its response is sent (:mod:`app.deps`), so a body that
reads the database while it is sent cannot use it. :func:`streamed` opens a reader when the
first piece is asked for and closes it after the last one, or when the client goes away
(the generator is closed). Check and audit in the request's unit of work first: once the
first byte is sent, an error can only cut the download short.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from fastapi import Request
from fastapi.responses import StreamingResponse
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.db import unit_of_work
from app.services import round_export


def streamed(
    request: Request,
    produce: Callable[[Session], Iterator[bytes]],
    *,
    media_type: str,
    filename: str,
) -> StreamingResponse:
    """A download (``attachment; filename=...``, never cached) of what ``produce`` yields in
    a read session; ``filename`` must be a safe name (letters, digits, ``-`` and ``.``)."""
    engine: Engine = request.app.state.engine

    def body() -> Iterator[bytes]:
        with unit_of_work(engine, write=False) as session:
            yield from produce(session)

    return StreamingResponse(
        body(),
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def round_file(request: Request, export: round_export.RoundExport) -> StreamingResponse:
    """The file of a prepared round export (:mod:`app.services.round_export`), streamed."""
    return streamed(
        request,
        lambda reader: round_export.stream(reader, export),
        media_type=round_export.MEDIA_TYPES[export.format],
        filename=export.filename,
    )
