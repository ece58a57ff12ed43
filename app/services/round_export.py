"""Exports of a round for analysts: CSV, XLSX and JSON, streamed from the stored scores.

One export is decided in two steps, so that a web request can check everything before the
first byte is sent and stream the rest from a read unit of work of its own:

1. :func:`prepare` (a short read) checks the format and the labels' language, and decides which
   organisations' responses are withheld;
2. :func:`stream` yields the file in pieces (``bytes``), reading submitted responses in keyset
   pages of :data:`BATCH_SIZE` with their stored scores (never rescoring), so memory stays flat
   in the number of responses. The XLSX is written by XlsxWriter in ``constant_memory`` mode to
   a temporary file, which is then streamed and removed.

**Withholding rule.** In an *anonymous* round, an organisation with fewer submitted responses
than the project's minimum group size has none of its responses exported (no row in the CSV,
the responses and scores sheets, or the JSON ``responses``); it is decided per organisation, on
the count of its submitted responses in the round. Its aggregate row says "not enough
responses" (the JSON lists it under ``withheld``). In a round that is not anonymous every
submitted response is exported. Organisation aggregates honour the minimum group size in every
round (:func:`app.services.results.compute_group`): below it no number is given.

**Cells.** Columns (CSV, and the responses and scores sheets): ``response`` (the response's
reference), ``organisation``, ``country``, ``stakeholder_group``, ``language``, ``started``,
``submitted`` (ISO 8601; dates only in anonymous rounds, :mod:`app.times`), then
``item:<id>`` per item in questionnaire order, ``comment:<dimension id>`` per page (the
respondent's comment on that dimension's page; the responses sheet and the CSV), then
``dimension:<id>``, ``area:<id>``, ``index:<id>`` and ``overall`` with the stored, unrounded
scores (0-100; empty when there is none). The JSON gives ``comments`` as ``{dimension id:
text}``. Answers are codes (scale values, choice ids; ``na`` for "not applicable"; several
choices joined with ``;``) or, with ``labels=LANG``, their labels in that language. An answer
that did not count (:mod:`app.services.answer_records`) is written ``hidden: <value>``, so it
can never be summed as if it counted. Every CSV cell goes through
:mod:`app.services.spreadsheet`; in the XLSX every text is stored as text (never a formula,
a number or a link), cells that would start a formula with Excel's quote prefix.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import xlsxwriter
from numpy.typing import NDArray
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import BigInteger, ColumnElement, Select, Text, case, cast, func, inspect
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from app import times
from app.errors import InvalidInput, LanguageNotOffered
from app.i18n import N_, Message
from app.models import (
    Organisation,
    Project,
    Response,
    ResponseScore,
    ResponseStatus,
    Round,
    ScoreKind,
)
from app.services import audit, driver_rows, results, stored_json
from app.services.answer_records import answer_records
from app.services.export_rows import CsvCells, label_of, row_plan
from app.services.responses import definition_of
from app.services.rounds import min_group_size_of, version_of
from app.services.spreadsheet import FORMULA_TRIGGERS, csv_chunks, neutralise
from scoring import NOT_APPLICABLE, Definition, Item, ItemType, LanguageCode, shorten

FORMAT_NOT_OFFERED = N_("the export format must be one of %(allowed)s")
LABELS_NOT_A_CODE = N_("the labels' language must be a language code such as de, not %(value)s")

FORMATS = ("csv", "xlsx", "json")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
LANGUAGE_CODE: TypeAdapter[str] = TypeAdapter(LanguageCode)
BATCH_SIZE = 1000
"""Responses read per keyset page (with their scores: one more query per page)."""
CHUNK_BYTES = 64 * 1024
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


@dataclass(frozen=True)
class Partner:
    """An organisation of the round and its number of submitted responses."""

    name: str
    country: str
    kind: str
    responses: int


@dataclass(frozen=True)
class RoundExport:
    """An export decided by :func:`prepare`: what :func:`stream` writes, without a session's
    objects (it is read again in another unit of work)."""

    format: str
    round_id: int
    round_name: str
    project_id: int
    project_slug: str
    questionnaire: str
    version: str
    anonymous: bool
    min_group_size: int
    labels: str | None
    definition: Definition
    partners: Mapping[int, Partner]
    """Organisations with submitted responses in the round, by id."""
    withheld: frozenset[int]
    """Organisations whose responses are not exported (the withholding rule above)."""

    @property
    def exported(self) -> int:
        """How many responses the file holds."""
        return sum(p.responses for key, p in self.partners.items() if key not in self.withheld)

    @property
    def filename(self) -> str:
        """A safe download name: ``<project>-round-<id>.<format>``."""
        return f"{self.project_slug}-round-{self.round_id}.{self.format}"


def prepare(
    session: Session, round_: Round, export_format: str, labels: str | None = None
) -> RoundExport:
    """Check the request and decide what the export holds.

    Raises :class:`InvalidInput` for a format other than csv, xlsx or json or labels that are
    no language code, and :class:`LanguageNotOffered` (with the languages offered) for labels
    in a language the round's questionnaire version has no texts in.
    """
    if export_format not in FORMATS:
        raise InvalidInput(
            Message(FORMAT_NOT_OFFERED, allowed=", ".join(FORMATS)),
            allowed=list(FORMATS),
        )
    if labels is not None:
        try:
            LANGUAGE_CODE.validate_python(labels)
        except ValidationError:
            raise InvalidInput(Message(LABELS_NOT_A_CODE, value=repr(shorten(labels)))) from None
    definition = definition_of(session, round_)
    if labels is not None and labels not in definition.languages:
        raise LanguageNotOffered(labels, sorted(definition.languages))
    assert round_.id is not None
    project = session.get_one(Project, round_.project_id)
    minimum = min_group_size_of(round_, project)
    partners, withheld = _partners(session, round_.id, anonymous=round_.anonymous, minimum=minimum)
    version = version_of(session, round_)
    return RoundExport(
        format=export_format,
        round_id=round_.id,
        round_name=round_.name,
        project_id=round_.project_id,
        project_slug=project.slug,
        questionnaire=definition.slug,
        version=version.version,
        anonymous=round_.anonymous,
        min_group_size=minimum,
        labels=labels,
        definition=definition,
        partners=partners,
        withheld=withheld,
    )


def record(session: Session, export: RoundExport, *, actor: str = audit.OPERATOR) -> None:
    """Audit an export ("round.export": who, the round, the format, the responses it holds)."""
    audit.record(
        session,
        "round.export",
        actor=actor,
        object_type="round",
        object_id=export.round_id,
        project_id=export.project_id,
        format=export.format,
        responses=export.exported,
    )


def _partners(
    session: Session, round_id: int, *, anonymous: bool, minimum: int
) -> tuple[dict[int, Partner], frozenset[int]]:
    """The organisations with submitted responses in the round (by name), and those withheld."""
    counts = session.exec(
        select(Response.organisation_id, func.count())
        .where(Response.round_id == round_id, Response.status == ResponseStatus.SUBMITTED)
        .group_by(col(Response.organisation_id))
    ).all()
    named = {
        row.id: row
        for row in session.exec(
            select(Organisation).where(col(Organisation.id).in_([key for key, _ in counts]))
        ).all()
    }
    partners = {
        key: Partner(named[key].name, named[key].country, named[key].kind, int(count))
        for key, count in sorted(counts, key=lambda pair: named[pair[0]].name)
    }
    withheld = frozenset(
        key for key, partner in partners.items() if anonymous and partner.responses < minimum
    )
    return partners, withheld


def stream(session: Session, export: RoundExport) -> Iterator[bytes]:
    """The file of ``export`` in pieces; ``session`` only reads.

    The organisations and the withholding are decided again in ``session`` (a web download
    streams from a unit of work of its own, after :func:`prepare` ran in the request's), and
    only responses of the organisations decided then are read: one submitted in between by
    an organisation that had none is left out rather than exported unchecked.
    """
    export = _decided_again(session, export)
    if export.format == "csv":
        return (
            chunk.encode("utf-8")
            for chunk in csv_chunks(_csv_rows(session, export), neutralised=True)
        )
    if export.format == "xlsx":
        return _xlsx(session, export)
    return (chunk.encode("utf-8") for chunk in _json(session, export))


def write_file(
    session: Session, export: RoundExport, path: str, progress: Progress | None = None
) -> RoundExport:
    """Write the file of ``export`` to ``path`` (a new file; ``session`` only reads), deciding
    the organisations again as :func:`stream` does, and return the export as written (its
    ``exported`` is the number of responses in the file). ``progress`` is called after each
    keyset page with the responses written so far (a background job's progress)."""
    export = _decided_again(session, export)
    if export.format == "xlsx":
        _write_workbook(session, export, path, progress)
        return export
    chunks = (
        csv_chunks(_csv_rows(session, export, progress), neutralised=True)
        if export.format == "csv"
        else _json(session, export, progress)
    )
    with open(path, "x", encoding="utf-8", newline="") as target:
        for chunk in chunks:
            target.write(chunk)
    return export


def _decided_again(session: Session, export: RoundExport) -> RoundExport:
    # made anonymous in between: withhold as an anonymous round does
    anonymous = export.anonymous or session.get_one(Round, export.round_id).anonymous
    partners, withheld = _partners(
        session, export.round_id, anonymous=anonymous, minimum=export.min_group_size
    )
    return replace(export, anonymous=anonymous, partners=partners, withheld=withheld)


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


def _text(texts: Mapping[str, str] | None, language: str, definition: Definition) -> str:
    if not texts:
        return ""
    return texts.get(language) or texts.get(definition.default_language) or ""


def _answer_cells(export: RoundExport, answers: Mapping[str, Any]) -> list[Any]:
    """One cell per item: the code or label, ``hidden: ...`` for an answer that did not count
    (:func:`app.services.answer_records.not_counted`), None for no answer
    (:func:`app.services.export_rows.row_plan`)."""
    return row_plan(export.definition, export.labels).answer_cells(answers, neutralised=False)


def _fixed_cells(export: RoundExport, row: Exported) -> list[Any]:
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


def _score_cells(targets: Sequence[tuple[str, str, str]], row: Exported) -> list[Any]:
    return [row.scores.get((kind, target)) for kind, target, _column in targets]


def _item_columns(definition: Definition) -> list[str]:
    """The answer columns: ``item:<id>`` per item, then ``comment:<id>`` per dimension."""
    return [
        *(f"item:{item.id}" for item in definition.items),
        *(f"comment:{dimension.id}" for dimension in definition.dimensions),
    ]


def _comment_cells(definition: Definition, row: Exported) -> list[str | None]:
    """One cell per dimension's page: the respondent's comment, None for none."""
    return [row.comments.get(dimension.id) for dimension in definition.dimensions]


def _csv_rows(
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
            *_item_columns(definition),
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


# --- XLSX ------------------------------------------------------------------------------------


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


def _xlsx(session: Session, export: RoundExport) -> Iterator[bytes]:
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="radar-export-")
    os.close(handle)
    try:
        _write_workbook(session, export, path)
        with open(path, "rb") as written:
            while chunk := written.read(CHUNK_BYTES):
                yield chunk
    finally:
        os.unlink(path)


def _write_workbook(
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
    answers = _Sheet(book, "responses", quoted, [*FIXED_COLUMNS, *_item_columns(definition)])
    scored = _Sheet(
        book, "scores", quoted, [*FIXED_COLUMNS, *(column for _k, _i, column in targets)]
    )
    for row in responses(session, export, progress):
        fixed = _fixed_cells(export, row)
        answers.write(
            [*fixed, *_answer_cells(export, row.answers), *_comment_cells(definition, row)]
        )
        scored.write([*fixed, *_score_cells(targets, row)])
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
            _text(item.text, language, definition),
            _values(definition, item, language),
            "yes" if item.reverse else "no",
            item.show_if or "",
        ]
    for dimension in definition.dimensions:
        title = _text(dimension.title, language, definition)
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
        return "; ".join(f"{c.id} = {_text(c.label, language, definition)}" for c in item.choices)
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
    return _text(parts.get(kind, {}).get(target), language, definition)


# --- JSON ------------------------------------------------------------------------------------


def _json(session: Session, export: RoundExport, progress: Progress | None = None) -> Iterator[str]:
    """One JSON object, written piece by piece: the round's facts, then ``responses`` (one
    array element per response), then ``organisations`` (aggregates) and ``withheld``."""
    head = {
        "project": export.project_slug,
        "round": {"id": export.round_id, "name": export.round_name},
        "questionnaire": {"slug": export.questionnaire, "version": export.version},
        "times": "day_only" if export.anonymous else "precise",
        "anonymous": export.anonymous,
        "min_group_size": export.min_group_size,
        "labels": export.labels,
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "responses": ['
    targets = score_targets(export.definition)
    first = True
    for row in responses(session, export, progress):
        yield ("" if first else ",") + json.dumps(
            _response_json(export, targets, row), ensure_ascii=False
        )
        first = False
    yield '], "organisations": ['
    first = True
    for aggregate in aggregates(session, export):
        group = aggregate.group
        entry = {
            "organisation": aggregate.organisation.name,
            "country": aggregate.organisation.country,
            "kind": aggregate.organisation.kind,
            "responses": group.count,
            "status": SHOWN if group.shown else NOT_ENOUGH,
            "dimensions": {
                key: {"n": score.n, "mean": score.mean, "median": score.median, "sd": score.sd}
                for key, score in (group.dimensions or {}).items()
            }
            if group.shown
            else None,
            "disagreements": list(group.disagreements),
        }
        yield ("" if first else ",") + json.dumps(entry, ensure_ascii=False)
        first = False
    withheld = [
        {"organisation": export.partners[key].name, "responses": export.partners[key].responses}
        for key in export.partners
        if key in export.withheld
    ]
    yield '], "withheld": ' + json.dumps(withheld, ensure_ascii=False) + "}"


def _response_json(
    export: RoundExport, targets: Sequence[tuple[str, str, str]], row: Exported
) -> dict[str, Any]:
    definition = export.definition
    partner = export.partners[row.organisation_id]
    answers = []
    for record in answer_records(definition, row.answers):
        entry = record.to_dict()
        if export.labels is not None and record.dimension:
            entry["label"] = label_of(
                definition, definition.item(record.item_id), record.value, export.labels
            )
        answers.append(entry)
    return {
        "response": row.public_id,
        "organisation": partner.name,
        "country": partner.country,
        "stakeholder_group": row.stakeholder_group,
        "language": row.language,
        "started": row.started,
        "submitted": row.submitted,
        "answers": answers,
        "comments": {
            dimension.id: row.comments[dimension.id]
            for dimension in definition.dimensions
            if dimension.id in row.comments
        },
        "scores": {column: row.scores.get((kind, target)) for kind, target, column in targets},
    }
