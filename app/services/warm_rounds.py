"""Which rounds' dashboards are worth computing before anybody asks, and computing them.

A round's first dashboard view summarises every stored score of the round (1.8 million at
1,000 organisations x 100 responses: seconds); later views find the numbers kept by
:mod:`app.services.aggregate_cache`. The server computes them in the background when it starts
(:mod:`app.warmup`), so that a facilitator's first view finds them kept too. Worth it are the
rounds people look at: open ones, and those closed in the last :data:`RECENT_DAYS`; the newest
:data:`MOST_ROUNDS` of them, so that warming never pushes everything else out of the cache.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from app.db_types import utcnow
from app.models import Project, Round
from app.services import cohort

RECENT_DAYS = 30
"""A round closed at most this many days ago is still recent."""
MOST_ROUNDS = 20
"""The most rounds warmed (each keeps a few entries of the cache's LIMIT of 256)."""


def candidates(session: Session) -> list[int]:
    """Ids of the rounds to warm, newest first: open, or closed in the last
    :data:`RECENT_DAYS` (at most :data:`MOST_ROUNDS`)."""
    since = utcnow() - timedelta(days=RECENT_DAYS)
    found = session.execute(
        select(col(Round.id))
        .where(or_(col(Round.closed_at).is_(None), col(Round.closed_at) >= since))
        .order_by(col(Round.id).desc())
        .limit(MOST_ROUNDS)
    ).scalars()
    return [round_id for round_id in found if round_id is not None]


def warm(session: Session, round_id: int) -> bool:
    """Compute round ``round_id``'s unfiltered profile (what its dashboard, partner reports
    and API profile first read) into the cache; False if the round is gone meanwhile."""
    round_ = session.get(Round, round_id)
    if round_ is None:
        return False
    project = session.get_one(Project, round_.project_id)
    cohort.round_profile(session, project, round_)
    return True
