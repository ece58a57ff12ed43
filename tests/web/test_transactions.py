"""Respondent pages as units of work: activity is noted without a second connection per
request, and a route that answers an error itself keeps nothing of the failed attempt."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select, update

from app.db import make_engine
from app.db_types import utcnow
from app.errors import InvalidAnswers
from app.models import Response, ResponseScore, ResponseStatus, WebSession
from app.services import scores
from app.settings import Settings
from tests.web.pages import Page


def _age_sessions(reader: Callable[[], Session], minutes: int) -> None:
    with reader() as session:
        session.exec(update(WebSession).values(last_seen_at=utcnow() - timedelta(minutes=minutes)))
        session.commit()


def _last_seen(reader: Callable[[], Session]) -> timedelta:
    with reader() as session:
        [seen] = session.exec(select(WebSession.last_seen_at)).all()
    return utcnow() - seen


def test_a_page_view_notes_activity_with_a_single_connection(
    app: FastAPI,
    client: TestClient,
    started: Page,
    settings: Settings,
    reader: Callable[[], Session],
) -> None:
    """With one pooled connection and no overflow, a reader that opened a writer for the
    "last seen" note inside itself would wait for a connection it holds (under load with a
    pool of 5+10 and 40 threads this deadlocked); the note comes after the reader."""
    app.state.engine.dispose()
    app.state.engine = make_engine(
        settings.effective_database_url, pool_size=1, max_overflow=0, pool_timeout=3
    )
    _age_sessions(reader, minutes=30)
    page = Page.get(client, "/respond/step/1")
    assert page.status == 200
    assert _last_seen(reader) < timedelta(minutes=1), "the activity was recorded"


def test_activity_on_a_writing_request_joins_its_transaction(
    client: TestClient, started: Page, reader: Callable[[], Session]
) -> None:
    _age_sessions(reader, minutes=30)
    saved = started.submit({"leadership.mandate": "2"}, action=None)
    assert saved.status == 200
    assert _last_seen(reader) < timedelta(minutes=1)


def test_a_submission_refused_half_way_stays_a_draft(
    client: TestClient,
    started: Page,
    reader: Callable[[], Session],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The review page answers a refused submission itself (422) and the request commits:
    the savepoint around the submission's write undoes its part (the status already set to
    submitted)."""
    review = started.submit({"leadership.mandate": "1", "leadership.has_budget": "no"}).submit(
        {"services.training": "4"}
    )
    assert review.url == "/respond/review"

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise InvalidAnswers("Some required questions are not answered yet.")

    monkeypatch.setattr(scores, "store_profile", refuse)
    refused = review.submit({"confirm": "yes"}, "/respond/submit")
    assert refused.status == 422
    with reader() as session:
        [response] = session.exec(select(Response)).all()
        assert response.status == ResponseStatus.DRAFT
        assert response.submitted_at is None
        assert session.exec(select(ResponseScore)).all() == []
    monkeypatch.undo()
    assert Page.get(client, "/respond/review").submit(
        {"confirm": "yes"}, "/respond/submit"
    ).url == ("/respond/result")
