"""A dropped database connection still gets every client a complete HTTP response.

PostgreSQL only: a real uvicorn server in a thread serves parallel requests while the test
terminates the app's database connections again and again (``pg_terminate_backend``, as an
administrator or a failover would). Every request must end in a complete response, a success or
503, never a closed connection; clean-up errors on the dead connections are logged, not raised.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg
import pytest
from sqlalchemy.engine import make_url

from app.db import make_engine, unit_of_work
from app.main import create_app
from app.services import questionnaires
from app.settings import PROJECT_ROOT, Settings
from tests import factories
from tests.helpers import serving

CLIENTS = 20
REQUESTS_PER_CLIENT = 15
PAUSE_SECONDS = 0.05  # between rounds of terminations, while the clients run
ANSWERED = {"200", "303", "404", "503"}  # 404: the unknown questionnaire in the mix


@pytest.fixture
def served(postgres_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A live server on a fresh PostgreSQL database; yields its URL and an invitation path."""
    settings = Settings(
        database_url=postgres_url,
        data_dir=tmp_path / "data",
        secret_key="connection-loss-test",
        questionnaires_dir=PROJECT_ROOT / "questionnaires",
        demo_on_first_run=False,
    )
    engine = make_engine(postgres_url)
    with unit_of_work(engine, write=True) as session:
        questionnaires.load_directory(session, settings.questionnaires_dir)
        made = factories.network(session, slug=factories.FLAGSHIP)
        _invitation, token = factories.invitation(
            session, made.round, made.organisation, multi_use=True
        )
    engine.dispose()
    application = create_app(settings)
    with serving(application, log_level="critical") as url:
        yield url, application.url_path_for("respond.invitation", token=token)


def _terminate_app_connections(postgres_url: str, stop: threading.Event) -> int:
    url = make_url(postgres_url)
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    terminated = 0
    with psycopg.connect(plain, autocommit=True) as admin:
        while not stop.wait(PAUSE_SECONDS):
            rows = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (url.database,),
            ).fetchall()
            terminated += sum(1 for (done,) in rows if done)
    return terminated


def test_every_request_gets_a_complete_response(served: tuple[str, str], postgres_url: str) -> None:
    base, invitation = served
    paths = ["/", "/api/v1/questionnaires", invitation, "/api/v1/questionnaires/x/versions"]

    def client_run(number: int) -> list[str]:
        outcomes = []
        with httpx.Client(base_url=base, timeout=30, follow_redirects=False) as client:
            for index in range(REQUESTS_PER_CLIENT):
                path = paths[(number + index) % len(paths)]
                try:
                    response = client.get(path)
                    response.read()
                    outcomes.append(str(response.status_code))
                except httpx.HTTPError as exc:
                    outcomes.append(f"{path}: no response ({type(exc).__name__})")
        return outcomes

    stop = threading.Event()
    with ThreadPoolExecutor(max_workers=CLIENTS + 1) as pool:
        killer = pool.submit(_terminate_app_connections, postgres_url, stop)
        runs = [pool.submit(client_run, number) for number in range(CLIENTS)]
        try:
            outcomes = Counter(outcome for run in runs for outcome in run.result())
        finally:
            stop.set()
        terminated = killer.result()
    assert terminated > 0, "the test must actually drop connections"
    assert sum(outcomes.values()) == CLIENTS * REQUESTS_PER_CLIENT
    unanswered = {key: n for key, n in outcomes.items() if key not in ANSWERED}
    assert unanswered == {}, f"requests without a proper response: {unanswered} of {outcomes}"
