"""A round export's responses read in keyset pages, and the cells every format shares.

Part of the round exports: :mod:`app.services.round_export` decides an export and dispatches
to the formats (CSV here, :mod:`~app.services.round_workbook` for XLSX,
:mod:`~app.services.round_json` for JSON). Submitted responses are read as plain driver rows
with their stored scores (never rescoring), a page of :data:`BATCH_SIZE` at a time, so memory
stays flat in the number of responses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import BigInteger, ColumnElement, Select, Text, case, cast, inspect
from sqlalchemy import select as select_columns
from sqlmodel import Session, col

from app import times
from app.models import (
    Response,
    ResponseScore,
    ResponseStatus,
    ScoreKind,
)
from app.services import driver_rows, results, stored_json
from app.services.export_rows import CsvCells, row_plan
from app.services.spreadsheet import neutralise
from scoring import Definition

if TYPE_CHECKING:
    from app.services.round_export import Partner, RoundExport


BATCH_SIZE = 1000
"""Responses read per keyset page (with their scores: one more query per page)."""
NOT_ENOUGH = "not enough responses"
SHOWN = "shown"
Progress = Callable[[int], None]
"""Told the number of responses written so far, after each keyset page."""
FIXED_COLUMNS = (
    "response",
    "organisation",
    "country",
    "stakeholder_group",
    "language",
    "started",
    "submitted",
)


# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exported:
    """One submitted response as exported: its fields, answers and stored scores."""

    public_id: str
    organisation_id: int
    stakeholder_group: str | None
    language: str
    started: str | None
    submitted: str | None
    answers: Mapping[str, Any]
    comments: Mapping[str, str]
    score_keys: Sequence[tuple[str, str]]
    """(kind, target id) of every score of the export, in :func:`score_targets`' order."""
    score_values: Sequence[float | None]
    """The stored scores in the order of ``score_keys`` (None: none stored, or no score)."""

    @property
    def scores(self) -> dict[tuple[str, str], float | None]:
        """(kind, target id) -> stored score."""
        return dict(zip(self.score_keys, self.score_values, strict=True))


def page_query(round_id: int, organisations: Sequence[int], after: int) -> Select[*tuple[Any, ...]]:
    """One keyset page: the round's submitted responses of ``organisations`` with ids above
    ``after``, in id order. Planned on the round's index in id order (no sort of the round;
    a test checks the plan on both databases). Read as plain driver rows
    (:mod:`app.services.driver_rows`): answers and comments as their stored JSON text, the
    times as the driver gives them (:func:`_moments` reads them as SQLAlchemy would)."""
    return (
        select_columns(  # sqlmodel's select stops at four columns
            col(Response.id),
            col(Response.public_id),
            col(Response.organisation_id),
            col(Response.stakeholder_group),
            col(Response.language),
            col(Response.created_at),
            col(Response.submitted_at),
            cast(col(Response.answers), Text),
            cast(col(Response.comments), Text),  # decoded only when not empty: most are
        )
        .where(
            col(Response.round_id) == round_id,
            col(Response.status) == ResponseStatus.SUBMITTED.value,
            col(Response.id) > after,
            col(Response.organisation_id).in_(organisations),
        )
        .order_by(col(Response.id))
        .limit(BATCH_SIZE)
    )


Page = tuple[Sequence[Any], list[list[float | None]]]
"""One keyset page: its rows as :func:`page_query` selects them, and each row's stored scores
in :func:`score_targets`' order (None: none stored, or no score)."""


def _pages(
    session: Session, export: RoundExport, progress: Progress | None = None
) -> Iterator[Page]:
    """The exported responses in id order, in keyset pages of :data:`BATCH_SIZE` of plain
    driver rows (nothing stays in the session), each page with its stored scores; ``progress``
    is told the count so far once a page has been consumed.

    A page's scores are one query of plain driver rows as (response id x (targets + 1) + score
    number, score), the number made in SQL (no strings per score; one spare number for a stored
    score of no target of the definition, left out) and the two packed into one integer (a
    third fewer values for the driver to build than three columns), placed into a response x
    score table at once with numpy; its rows are the responses' scores.
    """
    exported = sorted(key for key in export.partners if key not in export.withheld)
    keys = [(kind, target) for kind, target, _column in score_targets(export.definition)]
    width = len(keys) + 1
    number = _score_number(keys)
    last = 0
    done = 0
    while True:
        rows = [
            row
            for page in driver_rows.pages(session, page_query(export.round_id, exported, last))
            for row in page
        ]
        if not rows:
            return
        ids = np.array([row[0] for row in rows], dtype=np.int64)
        scores = [
            one
            for page in driver_rows.pages(
                session,
                select_columns(
                    cast(col(ResponseScore.response_id), BigInteger) * width + number,
                    col(ResponseScore.score),
                ).where(
                    col(ResponseScore.response_id).in_(ids.tolist()),
                    col(ResponseScore.score).is_not(None),
                ),
            )
            for one in page
        ]
        table: NDArray[np.object_] = np.full((len(rows), width), None, dtype=object)
        if scores:
            codes = np.array([one[0] for one in scores], dtype=np.int64)
            owners = np.searchsorted(ids, codes // width)
            table[owners, codes % width] = [one[1] for one in scores]
        yield rows, table[:, : len(keys)].tolist()
        last = rows[-1][0]
        done += len(rows)
        if progress is not None:
            progress(done)


def _score_number(keys: Sequence[tuple[str, str]]) -> ColumnElement[int]:
    """A stored score's position in ``keys`` (``len(keys)`` for none of them), as SQL: a CASE
    on the kind, then one on the target id within it (a third of the comparisons of one CASE
    over (kind, target id) pairs: per score row, that was most of the query's time)."""
    targets: dict[str, dict[str, int]] = {}
    for position, (kind, target) in enumerate(keys):
        targets.setdefault(kind, {})[target] = position
    return case(
        {
            kind: case(positions, value=col(ResponseScore.target_id), else_=len(keys))
            for kind, positions in targets.items()
        },
        value=col(ResponseScore.kind),
        else_=len(keys),
    )


def responses(
    session: Session, export: RoundExport, progress: Progress | None = None
) -> Iterator[Exported]:
    """The exported responses in id order (:func:`_pages`), each with its decoded answers and
    comments and its stored scores."""
    keys = [(kind, target) for kind, target, _column in score_targets(export.definition)]
    moment = _moments(session, export)
    for rows, table in _pages(session, export, progress):
        for (
            _response_id,
            public_id,
            organisation,
            group,
            language,
            started,
            submitted,
            answers,
            comments,
        ), values in zip(rows, table, strict=True):
            yield Exported(
                public_id,
                organisation,
                group,
                language,
                moment(started),
                moment(submitted),
                stored_json.loads(answers),
                _comments(comments),
                keys,
                values,
            )


def _comments(stored: str | None) -> dict[str, str]:
    """A response's comments from their stored JSON text: most responses have none, and
    decoding ``{}`` for each of them was a tenth of a large CSV's time."""
    if stored is None or stored == "{}":
        return {}
    decoded: dict[str, str] = stored_json.loads(stored)
    return decoded


def _moments(session: Session, export: RoundExport) -> Callable[[Any], str | None]:
    """Reads a time as the driver gives it (SQLite: text, PostgreSQL: a datetime) into its
    export cell, through the column type's own result processing (what SQLAlchemy would have
    done) and :func:`app.times.iso`. Each distinct value is formatted once per page of
    values: a response's start and submission, and day-only times, repeat often."""
    dialect = session.get_bind().dialect
    column_type = inspect(Response).columns["created_at"].type
    processor = column_type.dialect_impl(dialect).result_processor(dialect, None)
    day_only = export.anonymous
    known: dict[Any, str | None] = {}

    def moment(stored: Any) -> str | None:
        try:
            return known[stored]
        except KeyError:
            pass
        if len(known) >= BATCH_SIZE:
            known.clear()
        value = processor(stored) if processor is not None else stored
        known[stored] = cell = times.iso(value, day_only=day_only)
        return cell

    return moment


# --- cells ---------------------------------------------------------------------------------


def score_targets(definition: Definition) -> list[tuple[str, str, str]]:
    """(kind, id, column) of every stored score in export order."""
    return [
        *((ScoreKind.DIMENSION.value, d.id, f"dimension:{d.id}") for d in definition.dimensions),
        *((ScoreKind.AREA.value, a.id, f"area:{a.id}") for a in definition.areas),
        *((ScoreKind.INDEX.value, x.id, f"index:{x.id}") for x in definition.indexes),
        (ScoreKind.OVERALL.value, "overall", "overall"),
    ]


def text_in(texts: Mapping[str, str] | None, language: str, definition: Definition) -> str:
    if not texts:
        return ""
    return texts.get(language) or texts.get(definition.default_language) or ""


def answer_cells(export: RoundExport, answers: Mapping[str, Any]) -> list[Any]:
    """One cell per item: the code or label, ``hidden: ...`` for an answer that did not count
    (:func:`app.services.answer_records.not_counted`), None for no answer
    (:func:`app.services.export_rows.row_plan`)."""
    return row_plan(export.definition, export.labels).answer_cells(answers, neutralised=False)


def fixed_cells(export: RoundExport, row: Exported) -> list[Any]:
    partner = export.partners[row.organisation_id]
    return [
        row.public_id,
        partner.name,
        partner.country,
        row.stakeholder_group,
        row.language,
        row.started,
        row.submitted,
    ]


def score_cells(targets: Sequence[tuple[str, str, str]], row: Exported) -> list[Any]:
    return [row.scores.get((kind, target)) for kind, target, _column in targets]


def item_columns(definition: Definition) -> list[str]:
    """The answer columns: ``item:<id>`` per item, then ``comment:<id>`` per dimension."""
    return [
        *(f"item:{item.id}" for item in definition.items),
        *(f"comment:{dimension.id}" for dimension in definition.dimensions),
    ]


def comment_cells(definition: Definition, row: Exported) -> list[str | None]:
    """One cell per dimension's page: the respondent's comment, None for none."""
    return [row.comments.get(dimension.id) for dimension in definition.dimensions]


def csv_rows(
    session: Session, export: RoundExport, progress: Progress | None = None
) -> Iterator[list[Any]]:
    """The CSV's rows, every cell already neutralised (:func:`app.services.spreadsheet.neutralise`
    for the header; per row only the cells that can hold text are tested: the fixed ones, the
    answers and the comments; scores are numbers or empty)."""
    definition = export.definition
    targets = score_targets(definition)
    yield [
        neutralise(cell)
        for cell in (
            *FIXED_COLUMNS,
            *item_columns(definition),
            *(column for _kind, _id, column in targets),
        )
    ]
    answer_cells = CsvCells(row_plan(definition, export.labels))
    moment = _moments(session, export)
    partners = {
        key: (neutralise(partner.name), neutralise(partner.country))
        for key, partner in export.partners.items()
    }
    dimensions = [dimension.id for dimension in definition.dimensions]
    no_comments = [None] * len(dimensions)
    for rows, table in _pages(session, export, progress):
        for (
            _response_id,
            public_id,
            organisation,
            group,
            language,
            started,
            submitted,
            answers,
            stored_comments,
        ), values in zip(rows, table, strict=True):
            name, country = partners[organisation]
            comments = _comments(stored_comments)
            yield [
                neutralise(public_id),
                name,
                country,
                neutralise(group),
                neutralise(language),
                moment(started),  # ISO dates: they start with a digit
                moment(submitted),
                *answer_cells(answers),
                *(
                    [neutralise(comments.get(key)) for key in dimensions]
                    if comments
                    else no_comments
                ),
                *values,
            ]


# --- aggregates ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AggregateRow:
    organisation: Partner
    group: results.GroupResult


def aggregates(session: Session, export: RoundExport) -> Iterator[AggregateRow]:
    """Each organisation's aggregate from the stored scores (withheld below the minimum)."""
    keys = [dimension.id for dimension in export.definition.dimensions]
    for key, partner in export.partners.items():
        group = results.compute_group(session, export.round_id, key, export.min_group_size, keys)
        yield AggregateRow(partner, group)
