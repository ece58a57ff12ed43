"""The XLSX of a round export: sheets of responses, scores, organisation aggregates and a
codebook, written by XlsxWriter in ``constant_memory`` mode (memory flat in the number of
responses). Every text is stored as text, never a formula, number or link; a cell that would
start a formula gets Excel's quote prefix. See :mod:`app.services.round_export` for the rules.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import xlsxwriter
from sqlmodel import Session

from app.models import (
    ScoreKind,
)
from app.services.export_rows import label_of
from app.services.round_rows import (
    FIXED_COLUMNS,
    NOT_ENOUGH,
    SHOWN,
    Progress,
    aggregates,
    answer_cells,
    comment_cells,
    fixed_cells,
    item_columns,
    responses,
    score_cells,
    score_targets,
    text_in,
)
from app.services.spreadsheet import FORMULA_TRIGGERS
from scoring import NOT_APPLICABLE, Definition, Item, ItemType

if TYPE_CHECKING:
    from app.services.round_export import RoundExport


CHUNK_BYTES = 64 * 1024
"""Bytes of the written file read per piece streamed."""


class _Sheet:
    """One worksheet written row by row (``constant_memory`` needs row order); every text is
    written as text, a would-be formula with Excel's quote prefix."""

    def __init__(self, book: Any, name: str, quoted: Any, header: Sequence[str]) -> None:
        self.sheet = book.add_worksheet(name)
        self.quoted = quoted
        self.row = 0
        self.write(header)
        self.sheet.freeze_panes(1, 0)

    def write(self, cells: Sequence[Any]) -> None:
        for column, value in enumerate(cells):
            if value is None:
                continue
            if isinstance(value, bool):
                self.sheet.write_boolean(self.row, column, value)
            elif isinstance(value, (int, float)):
                self.sheet.write_number(self.row, column, value)
            else:
                text = str(value)
                if text.startswith(FORMULA_TRIGGERS):
                    self.sheet.write_string(self.row, column, text, self.quoted)
                else:
                    self.sheet.write_string(self.row, column, text)
        self.row += 1


def xlsx_chunks(session: Session, export: RoundExport) -> Iterator[bytes]:
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="radar-export-")
    os.close(handle)
    try:
        write_workbook(session, export, path)
        with open(path, "rb") as written:
            while chunk := written.read(CHUNK_BYTES):
                yield chunk
    finally:
        os.unlink(path)


def write_workbook(
    session: Session, export: RoundExport, path: str, progress: Progress | None = None
) -> None:
    book = xlsxwriter.Workbook(
        path,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    quoted = book.add_format({"quote_prefix": True})
    definition = export.definition
    targets = score_targets(definition)
    answers = _Sheet(book, "responses", quoted, [*FIXED_COLUMNS, *item_columns(definition)])
    scored = _Sheet(
        book, "scores", quoted, [*FIXED_COLUMNS, *(column for _k, _i, column in targets)]
    )
    for row in responses(session, export, progress):
        fixed = fixed_cells(export, row)
        answers.write([*fixed, *answer_cells(export, row.answers), *comment_cells(definition, row)])
        scored.write([*fixed, *score_cells(targets, row)])
    dimensions = [dimension.id for dimension in definition.dimensions]
    grouped = _Sheet(
        book,
        "organisations",
        quoted,
        [
            "organisation",
            "country",
            "kind",
            "responses",
            "min_group_size",
            "status",
            *(f"dimension:{key}" for key in dimensions),
            "disagreement",
        ],
    )
    for aggregate in aggregates(session, export):
        group, partner = aggregate.group, aggregate.organisation
        means = group.means
        grouped.write(
            [
                partner.name,
                partner.country,
                partner.kind,
                group.count,
                group.min_group_size,
                SHOWN if group.shown else NOT_ENOUGH,
                *(means.get(key) for key in dimensions),
                ";".join(group.disagreements),
            ]
        )
    codebook = _Sheet(
        book,
        "codebook",
        quoted,
        ["kind", "id", "dimension", "type", "text", "values", "reverse", "show_if"],
    )
    for cells in codebook_rows(definition, export.labels or definition.default_language):
        codebook.write(cells)
    book.close()


def codebook_rows(definition: Definition, language: str) -> Iterator[list[Any]]:
    """The codebook: each column's meaning in ``language``: items (text, scale values with
    their labels or choices, reverse-keyed or not, ``show_if``), then the scores."""
    for item in definition.items:
        yield [
            "item",
            f"item:{item.id}",
            item.dimension,
            item.type.value,
            text_in(item.text, language, definition),
            _values(definition, item, language),
            "yes" if item.reverse else "no",
            item.show_if or "",
        ]
    for dimension in definition.dimensions:
        title = text_in(dimension.title, language, definition)
        yield ["comment", f"comment:{dimension.id}", dimension.id, "text", title, "", "", ""]
    for kind, target, column in score_targets(definition):
        title = _score_title(definition, kind, target, language)
        yield ["score", column, "", kind, title, "0-100", "", ""]
    yield [
        "marker",
        "hidden: <value>",
        "",
        "",
        "an answer kept but not counted: its question was hidden by an earlier answer",
        "",
        "",
        "",
    ]
    yield ["marker", NOT_ENOUGH, "", "", "fewer responses than the minimum group size", "", "", ""]


def _values(definition: Definition, item: Item, language: str) -> str:
    if item.type == ItemType.SCALE and item.scale is not None:
        scale = definition.scales[item.scale]
        pairs = [
            f"{value} = {label_of(definition, item, value, language)}" for value in scale.values
        ]
        if scale.not_applicable:
            pairs.append(
                f"{NOT_APPLICABLE} = {label_of(definition, item, NOT_APPLICABLE, language)}"
            )
        return "; ".join(pairs)
    if item.choices:
        return "; ".join(f"{c.id} = {text_in(c.label, language, definition)}" for c in item.choices)
    if item.type == ItemType.NUMBER:
        low, high = ("" if bound is None else bound for bound in (item.min, item.max))
        return f"{low}..{high}"
    return ""


def _score_title(definition: Definition, kind: str, target: str, language: str) -> str:
    parts = {
        ScoreKind.DIMENSION.value: {d.id: d.title for d in definition.dimensions},
        ScoreKind.AREA.value: {a.id: a.title for a in definition.areas},
        ScoreKind.INDEX.value: {x.id: x.title for x in definition.indexes},
    }
    return text_in(parts.get(kind, {}).get(target), language, definition)
