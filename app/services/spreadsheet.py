"""Cells that spreadsheet programs cannot run as formulas (OWASP ASVS 5.0 V1.2.10).

A text cell that starts with ``=``, ``+``, ``-`` or ``@``, or with a tab, carriage return, line
feed or NUL (characters that some programs skip before reading a formula), gets a leading
apostrophe, which spreadsheets read as "this is text". Numbers stay numbers: ``-3`` is a value,
not a formula. Every export applies :func:`neutralise` to every cell, headers included, since
question texts and names come from definition authors and users: CSV through
:func:`csv_document`; an XLSX export must also store such cells with the text type.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")


def neutralise(cell: Any) -> Any:
    """A cell that cannot start a spreadsheet formula (texts only; other values unchanged).

    >>> neutralise("=HYPERLINK(\\"http://evil\\")"), neutralise("\\x00=1"), neutralise(-3)
    ('\\'=HYPERLINK("http://evil")', "'\\x00=1", -3)
    """
    if isinstance(cell, str) and cell.startswith(FORMULA_TRIGGERS):
        return "'" + cell
    return cell


def csv_document(rows: Iterable[Sequence[Any]]) -> str:
    """Rows as CSV (RFC 4180 quoting, CRLF, UTF-8 BOM for spreadsheet programs), every cell of
    every row neutralised, the header row included."""
    return "".join(csv_chunks(rows))


def csv_chunks(
    rows: Iterable[Sequence[Any]], rows_per_chunk: int = 500, *, neutralised: bool = False
) -> Iterator[str]:
    """:func:`csv_document` in pieces of at most ``rows_per_chunk`` rows (the BOM first), for
    streaming: memory stays flat however many rows ``rows`` yields. ``neutralised``: the
    caller has neutralised every cell that needs it already (a round export decides per
    column which cells can hold text), so the rows are written as they are."""
    yield "\ufeff"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    batch: list[Sequence[Any]] = []
    for row in rows:
        batch.append(row if neutralised else [neutralise(cell) for cell in row])
        if len(batch) >= rows_per_chunk:
            writer.writerows(batch)
            batch.clear()
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if batch:
        writer.writerows(batch)
        yield buffer.getvalue()
