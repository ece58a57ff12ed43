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

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.errors import InvalidInput
from app.i18n import N_, Message
from app.models import (
    Organisation,
    Project,
    Response,
    ResponseStatus,
    Round,
)
from app.services import audit, questionnaires
from app.services.responses import definition_of
from app.services.round_json import json_chunks
from app.services.round_rows import Progress, csv_rows
from app.services.round_workbook import write_workbook, xlsx_chunks
from app.services.rounds import min_group_size_of, version_of
from app.services.spreadsheet import csv_chunks
from scoring import Definition, LanguageCode, shorten

FORMAT_NOT_OFFERED = N_("the export format must be one of %(allowed)s")
LABELS_NOT_A_CODE = N_("the labels' language must be a language code such as de, not %(value)s")

FORMATS = ("csv", "xlsx", "json")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
LANGUAGE_CODE: TypeAdapter[str] = TypeAdapter(LanguageCode)


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
    if labels is not None:
        questionnaires.asked_language(definition, labels, definition.default_language)
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
            for chunk in csv_chunks(csv_rows(session, export), neutralised=True)
        )
    if export.format == "xlsx":
        return xlsx_chunks(session, export)
    return (chunk.encode("utf-8") for chunk in json_chunks(session, export))


def write_file(
    session: Session, export: RoundExport, path: str, progress: Progress | None = None
) -> RoundExport:
    """Write the file of ``export`` to ``path`` (a new file; ``session`` only reads), deciding
    the organisations again as :func:`stream` does, and return the export as written (its
    ``exported`` is the number of responses in the file). ``progress`` is called after each
    keyset page with the responses written so far (a background job's progress)."""
    export = _decided_again(session, export)
    if export.format == "xlsx":
        write_workbook(session, export, path, progress)
        return export
    chunks = (
        csv_chunks(csv_rows(session, export, progress), neutralised=True)
        if export.format == "csv"
        else json_chunks(session, export, progress)
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
