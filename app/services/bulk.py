"""Many submitted responses at once: the fast path for benchmarks and seeded test databases.

A response made through the respondent pages costs a dozen requests; an organisation with
10,000 responses for a benchmark of its aggregate would take minutes that way. Here the rows
are written as plain multi-row INSERTs (no ORM objects) and scored through the same bulk path
``radar scores rebuild`` uses (:func:`app.services.scores.rescore`), so the stored scores are
exactly what a submission stores. Does not commit; the caller chooses the unit of work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert
from sqlmodel import Session

from app.db_types import utcnow
from app.models import Organisation, Response, ResponseStatus, Round, new_public_id
from app.services import scores

RESPONSE_TABLE: Table = Response.__table__  # type: ignore[attr-defined]


def add_submitted(
    session: Session,
    round_: Round,
    organisation: Organisation,
    answers: Sequence[Mapping[str, Any]],
    *,
    language: str = "en",
    at: datetime | None = None,
) -> list[int]:
    """Store ``answers`` as submitted, scored responses of ``organisation`` in ``round_``;
    their ids, in the order of ``answers``."""
    assert round_.id is not None
    assert organisation.id is not None
    when = at or utcnow()
    rows = [
        {
            "public_id": new_public_id(),
            "round_id": round_.id,
            "organisation_id": organisation.id,
            "resume_generation": 0,
            "language": language,
            "status": ResponseStatus.SUBMITTED.value,
            "answers": dict(given),
            "comments": {},
            "current_step": 0,
            "revision": 1,
            "consent_version": round_.notice_version,
            "consented_at": when,
            "created_at": when,
            "updated_at": when,
            "submitted_at": when,
        }
        for given in answers
    ]
    if not rows:
        return []
    inserted = session.execute(
        insert(RESPONSE_TABLE).returning(RESPONSE_TABLE.c.id, sort_by_parameter_order=True),
        rows,
    )
    ids = [int(response_id) for (response_id,) in inserted]
    for start in range(0, len(ids), scores.BATCH_SIZE):
        batch = tuple(ids[start : start + scores.BATCH_SIZE])
        scores.rescore(session, scores.Batch(round_.questionnaire_version_id, batch))
    return ids
