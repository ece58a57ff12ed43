"""Stored scores: a submitted response's profile, kept next to it as derived data.

Comparisons read these rows instead of rescoring every response on every page view. Each row
is stamped with the scoring library's ``RULES_VERSION``; when the rules change, rows made by
older rules are *stale* (:func:`stale_count`) and :func:`rescore` recomputes them from the
answers, which stay the source of truth.

One row per dimension, area, index and the overall index. ``coverage`` is the answered share
of a dimension's shown items (0 when none was shown), and for a composite the share of its
parts that had a score. ``reason`` holds the library's stable reason *code* (e.g.
``low_coverage``), not its English sentence, so pages can say it in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from sqlalchemy import Table, delete, func, insert
from sqlmodel import Session, col, select

from app.db_types import utcnow
from app.errors import InvalidInput
from app.i18n import N_, Message
from app.models import (
    Questionnaire,
    QuestionnaireVersion,
    Response,
    ResponseScore,
    ResponseStatus,
    Round,
    ScoreKind,
)
from app.services import definition_cache, questionnaires
from scoring import (
    RULES_VERSION,
    CompositeScore,
    Definition,
    Profile,
    profile_at,
    score_bulk,
    score_response,
)

VERSION_WITHOUT_QUESTIONNAIRE = N_("a version can only be chosen together with its questionnaire")

BATCH_SIZE = 500
OVERALL = "overall"
SCORE_TABLE: Table = ResponseScore.__table__  # type: ignore[attr-defined]
_INSERT_SCORES = insert(SCORE_TABLE)
"""Built once: every submission runs it (a kept statement finds its compiled form without
being built and keyed again)."""


def store_scores(
    session: Session, response: Response, definition: Definition, *, at: datetime | None = None
) -> None:
    """Replace the response's stored scores with freshly computed ones. Does not commit.

    It runs inside the caller's transaction (the submission), so a response is never
    submitted without its scores, nor scored without being submitted. ``at`` is the time
    stamped on them (a submission of an anonymous round passes only its day); default now.
    """
    store_profile(session, response, score_response(definition, dict(response.answers)), at=at)


def store_profile(
    session: Session,
    response: Response,
    profile: Profile,
    *,
    at: datetime | None = None,
    replace: bool = True,
) -> None:
    """Replace the response's stored scores with ``profile`` (scored by the caller, outside
    the write transaction). One DELETE (none for a new response: ``replace=False``) and one
    multi-row INSERT of plain rows (no ORM objects to build and flush: this runs inside a
    submission's write transaction). Does not commit."""
    assert response.id is not None
    if replace:
        session.execute(delete(ResponseScore).where(col(ResponseScore.response_id) == response.id))
    now = at or utcnow()
    session.execute(
        _INSERT_SCORES,
        [_values(response.id, row, profile.rules_version, now) for row in _rows(profile)],
    )


Row = tuple[ScoreKind, str, float | None, float, str | None, str | None]


def _rows(profile: Profile) -> Iterator[Row]:
    for key, dimension in profile.dimensions.items():
        yield (
            ScoreKind.DIMENSION,
            key,
            dimension.score,
            dimension.coverage or 0.0,
            dimension.band,
            dimension.reason_code,
        )
    for kind, composites in ((ScoreKind.AREA, profile.areas), (ScoreKind.INDEX, profile.indexes)):
        for key, composite in composites.items():
            yield _composite(kind, key, composite)
    yield _composite(ScoreKind.OVERALL, OVERALL, profile.overall)


def _composite(kind: ScoreKind, key: str, part: CompositeScore) -> Row:
    coverage = part.scored / part.parts if part.parts else 0.0
    return kind, key, part.score, coverage, part.band, part.reason_code


@dataclass(frozen=True)
class Batch:
    """Submitted responses of one questionnaire version, rescored together."""

    version_id: int
    response_ids: tuple[int, ...]


def rebuild_batches(
    session: Session, *, slug: str | None = None, version: str | None = None
) -> list[Batch]:
    """The submitted responses to rescore (optionally of one questionnaire or version), in
    batches of at most ``BATCH_SIZE`` per version, for :func:`rescore`.

    Raises ``NotFound`` for an unknown questionnaire or version and ``InvalidInput`` for a
    version without its questionnaire.
    """
    if version is not None and slug is None:
        raise InvalidInput(Message(VERSION_WITHOUT_QUESTIONNAIRE))
    if slug is not None and version is not None:
        questionnaires.get_version(session, slug, version)  # unknown -> NotFound
    elif slug is not None:
        questionnaires.get_versions(session, slug)
    query = (
        select(QuestionnaireVersion.id, Response.id)
        .join(Round, col(Round.id) == col(Response.round_id))
        .join(
            QuestionnaireVersion,
            col(QuestionnaireVersion.id) == col(Round.questionnaire_version_id),
        )
        .join(Questionnaire, col(Questionnaire.id) == col(QuestionnaireVersion.questionnaire_id))
        .where(Response.status == ResponseStatus.SUBMITTED)
        .order_by(col(QuestionnaireVersion.id), col(Response.id))
    )
    if slug is not None:
        query = query.where(Questionnaire.slug == slug)
    if version is not None:
        query = query.where(QuestionnaireVersion.version == version)
    batches: list[Batch] = []
    for version_id, group in groupby(session.exec(query).all(), key=lambda pair: pair[0]):
        assert version_id is not None
        ids = [response_id for _, response_id in group if response_id is not None]
        batches += [
            Batch(version_id, tuple(ids[start : start + BATCH_SIZE]))
            for start in range(0, len(ids), BATCH_SIZE)
        ]
    return batches


def rescore(session: Session, batch: Batch) -> int:
    """Rescore one batch through the vectorised path; returns how many responses it held.

    Plain rows, no ORM objects: the answers are read with one query, scored together
    (:func:`scoring.score_bulk`), the batch's old scores removed with one DELETE and the new
    ones written with one multi-row INSERT (the driver's ``executemany``). Nothing stays in the
    session's identity map, so memory stays flat however many batches one unit of work
    rescores. ``radar scores rebuild`` gives each batch a unit of work of its own, so a large
    rebuild never holds SQLite's write lock for long and an interruption keeps the finished
    batches (running it again is safe).
    """
    row = session.get(
        QuestionnaireVersion, batch.version_id, options=[definition_cache.WITHOUT_DEFINITION]
    )
    assert row is not None
    definition = questionnaires.definition_of(row)
    found = session.execute(
        select(col(Response.id), col(Response.answers))
        .where(col(Response.id).in_(batch.response_ids))
        .order_by(col(Response.id))
    ).all()
    if not found:
        return 0
    ids = [response_id for response_id, _ in found]
    scores = score_bulk(definition, [answers for _, answers in found])
    now = utcnow()
    session.execute(delete(ResponseScore).where(col(ResponseScore.response_id).in_(ids)))
    session.execute(
        _INSERT_SCORES,
        [
            _values(response_id, part, RULES_VERSION, now)
            for index, response_id in enumerate(ids)
            for part in _rows(profile_at(scores, index))
        ],
    )
    return len(ids)


def _values(response_id: int, row: Row, rules_version: str, at: datetime) -> dict[str, object]:
    kind, target_id, score, coverage, band, reason = row
    return {
        "response_id": response_id,
        "kind": kind.value,
        "target_id": target_id,
        "score": score,
        "coverage": coverage,
        "band": band,
        "reason": reason,
        "rules_version": rules_version,
        "computed_at": at,
    }


def rebuild(session: Session, *, slug: str | None = None, version: str | None = None) -> int:
    """Rescore every batch of :func:`rebuild_batches` in the caller's unit of work; returns
    the number of responses rescored."""
    return sum(
        rescore(session, batch) for batch in rebuild_batches(session, slug=slug, version=version)
    )


def stale_count(session: Session) -> int:
    """Stored score rows made by other scoring rules than the current ones."""
    query = (
        select(func.count())
        .select_from(ResponseScore)
        .where(ResponseScore.rules_version != RULES_VERSION)
    )
    return int(session.exec(query).one())


def unscored_count(session: Session) -> int:
    """Submitted responses without any stored score (e.g. submitted before scores existed)."""
    query = (
        select(func.count())
        .select_from(Response)
        .where(
            Response.status == ResponseStatus.SUBMITTED,
            col(Response.id).not_in(select(ResponseScore.response_id)),
        )
    )
    return int(session.exec(query).one())
