"""Six clicks on "submit" at once, through a real server on a real database file or PostgreSQL:
one submission is stored and every click is answered like the winner (to the result page)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.main import create_app
from app.models import Response, ResponseScore, ResponseStatus, Round
from app.services import rounds
from app.settings import Settings
from tests.helpers import serving
from tests.web.conftest import MakeLink, begin
from tests.web.pages import Page

CLICKS = 6


def _review(client: TestClient, token: str) -> Page:
    step1 = begin(client, token)
    step2 = step1.submit({"leadership.mandate": "1", "leadership.has_budget": "no"})
    review = step2.submit({"services.training": "4"})
    assert review.url == "/respond/review", review.text
    return review


def _click_submit_at_once(base_url: str, cookie: str, form: dict[str, str]) -> list[httpx.Response]:
    start = threading.Barrier(CLICKS)

    def click(_: int) -> httpx.Response:
        with httpx.Client(
            base_url=base_url, cookies={"radar_session": cookie}, timeout=60
        ) as browser:
            start.wait()
            return browser.post("/respond/submit", data=form)

    with ThreadPoolExecutor(max_workers=CLICKS) as pool:
        return list(pool.map(click, range(CLICKS)))


def _race(
    client: TestClient, settings: Settings, token: str, reader: Callable[[], Session]
) -> None:
    review = _review(client, token)
    form = {**review.hidden("/respond/submit"), "confirm": "yes"}
    app = create_app(settings.model_copy(update={"trusted_hosts": ["127.0.0.1"]}))
    try:
        with serving(app) as base_url:
            answers = _click_submit_at_once(base_url, client.cookies["radar_session"], form)
    finally:
        app.state.engine.dispose()
    assert [(r.status_code, r.headers.get("location")) for r in answers] == [
        (303, "/respond/result")
    ] * CLICKS, [r.text[:300] for r in answers if r.status_code != 303]
    with reader() as db:
        [stored] = db.exec(select(Response)).all()
        assert stored.status == ResponseStatus.SUBMITTED
        assert stored.revision == int(form["revision"]) + 1
        overall = db.exec(select(ResponseScore).where(ResponseScore.kind == "overall")).all()
        assert len(overall) == 1
    assert Page.get(client, "/respond/result").status == 200


def test_parallel_submits_store_one_submission_and_all_see_the_result(
    client: TestClient,
    make_link: MakeLink,
    settings: Settings,
    reader: Callable[[], Session],
) -> None:
    _race(client, settings, make_link(), reader)


def test_parallel_submits_in_an_anonymous_round(
    client: TestClient,
    make_link: MakeLink,
    settings: Settings,
    reader: Callable[[], Session],
    round_: Round,
    session: Session,
) -> None:
    """Anonymous rounds also rewrite the sessions at submission: still no conflict, no
    deadlock."""
    rounds.set_anonymous(session, round_, True)
    session.commit()
    _race(client, settings, make_link(), reader)
