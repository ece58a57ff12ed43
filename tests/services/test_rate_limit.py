"""Attempt counting in the database: fixed windows per bucket, a clear refusal with the
seconds to wait, old windows dropped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from app.errors import TooManyRequests
from app.models import RateLimitHit
from app.services import rate_limit
from app.services.rate_limit import KEEP_WINDOWS_FOR, Limit

LIMIT = Limit(attempts=3, window=timedelta(minutes=15))
NOON = datetime(2026, 5, 4, 12, 7, 30, tzinfo=UTC)


def test_windows_are_aligned() -> None:
    assert rate_limit.window_start(NOON, LIMIT.window) == datetime(2026, 5, 4, 12, tzinfo=UTC)
    assert rate_limit.window_start(
        datetime(2026, 5, 4, 12, 15, tzinfo=UTC), LIMIT.window
    ) == datetime(2026, 5, 4, 12, 15, tzinfo=UTC)


def test_refused_once_the_window_is_used_up(session: Session) -> None:
    for _ in range(LIMIT.attempts):
        rate_limit.check(session, "link:a", LIMIT, NOON)
        rate_limit.record(session, "link:a", LIMIT, NOON)
    assert rate_limit.count(session, "link:a", LIMIT, NOON) == 3
    with pytest.raises(TooManyRequests) as caught:
        rate_limit.check(session, "link:a", LIMIT, NOON)
    assert caught.value.status_code == 429
    assert caught.value.retry_after == 7 * 60 + 30  # until 12:15
    rate_limit.check(session, "link:b", LIMIT, NOON)  # another client is not affected
    next_window = NOON + LIMIT.window
    rate_limit.check(session, "link:a", LIMIT, next_window)
    assert rate_limit.count(session, "link:a", LIMIT, next_window) == 0


def test_old_windows_are_dropped(session: Session) -> None:
    long_ago = NOON - KEEP_WINDOWS_FOR - LIMIT.window
    rate_limit.record(session, "link:a", LIMIT, long_ago)
    rate_limit.record(session, "link:a", LIMIT, NOON)
    starts = session.exec(select(RateLimitHit.window_start)).all()
    assert starts == [rate_limit.window_start(NOON, LIMIT.window)]


def test_recording_is_part_of_the_callers_unit_of_work(session: Session) -> None:
    """Nothing is committed here: the guard that counts a failed attempt commits it."""
    rate_limit.record(session, "link:a", LIMIT, NOON)
    assert rate_limit.count(session, "link:a", LIMIT, NOON) == 1
    session.rollback()
    assert rate_limit.count(session, "link:a", LIMIT, NOON) == 0
