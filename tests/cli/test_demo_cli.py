"""``radar demo``, ``radar scores`` and the first-run demo link of ``radar serve``."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select, update

from app.cli import serve
from app.errors import InvalidInput
from app.models import Project, Response, ResponseScore
from app.services import demo, scores
from app.settings import get_settings
from tests.cli.helpers import Radar, fails
from tests.web.conftest import log_in


@pytest.fixture
def loaded_radar(radar: Radar) -> Radar:
    assert radar("questionnaires", "load").exit_code == 0
    return radar


def test_demo_then_scores(loaded_radar: Radar, engine: Engine) -> None:
    result = loaded_radar("demo", "--organisations", "2", "--respondents", "2", "--seed", "3")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (
        "2 organisation(s), 4 submitted response(s) in project 'demo', round 'Demo round'"
    )
    status = loaded_radar("scores", "status").stdout
    assert "stale score rows: 0" in status
    assert "without scores: 0" in status
    with Session(engine) as session:
        session.exec(update(ResponseScore).values(rules_version="0"))
        session.commit()
    assert "run `radar scores rebuild`" in loaded_radar("scores", "status").stdout
    rebuilt = loaded_radar("scores", "rebuild", "--questionnaire", demo.FLAGSHIP)
    assert rebuilt.stdout.startswith("4 response(s) rescored with rules ")
    assert "stale score rows: 0" in loaded_radar("scores", "status").stdout


def test_demo_without_the_flagship_fails_clearly(radar: Radar) -> None:
    fails(
        radar("demo", "--organisations", "1"),
        f"questionnaire {demo.FLAGSHIP} is not published: load it first",
    )


def test_scores_rebuild_errors(loaded_radar: Radar) -> None:
    fails(loaded_radar("scores", "rebuild", "--questionnaire", "nope"), "no questionnaire 'nope'")
    fails(
        loaded_radar("scores", "rebuild", "--version", "1.0"),
        "--version needs --questionnaire too",
    )


def test_serve_prints_the_demo_link_on_the_first_run_only(
    radar: Radar, monkeypatch: pytest.MonkeyPatch, client: TestClient
) -> None:
    runs: list[dict[str, Any]] = []
    monkeypatch.setattr(serve.uvicorn, "run", lambda app, **kwargs: runs.append(kwargs))
    monkeypatch.setenv("RADAR_FORWARDED_ALLOW_IPS", "10.0.0.2")
    get_settings.cache_clear()
    first = radar("serve", "--port", "8123")
    assert first.exit_code == 0, first.output
    [link] = [line for line in first.stdout.splitlines() if line.startswith("Try it: ")]
    assert link.startswith("Try it: http://127.0.0.1:8123/r/")
    opened = client.get(link.removeprefix("Try it: http://127.0.0.1:8123"))
    assert opened.status_code == 200, "the printed link opens the demo"
    assert 'name="consent"' in opened.text  # the start page with its consent form
    [login] = [line for line in first.stdout.splitlines() if line.startswith("Facilitator login")]
    prefix = "Facilitator login: http://127.0.0.1:8123/login as demo@example.org with password "
    assert login.startswith(prefix)
    client.cookies.clear()
    projects = log_in(client, "demo@example.org", login.removeprefix(prefix))
    assert projects.url == "/projects", "the printed login opens the demo project"
    assert demo.DEMO_PROJECT_NAME in projects.text
    second = radar("serve", "--port", "8123")
    assert "Try it" not in second.stdout
    assert "Facilitator login" not in second.stdout
    assert demo.invite_hint() in second.stdout
    assert runs[0]["port"] == 8123
    assert (runs[0]["proxy_headers"], runs[0]["forwarded_allow_ips"]) == (True, "10.0.0.2")


def test_serve_without_demo_when_switched_off(
    radar: Radar, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RADAR_DEMO_ON_FIRST_RUN", "false")
    get_settings.cache_clear()
    monkeypatch.setattr(serve.uvicorn, "run", lambda app, **kwargs: None)
    result = radar("serve")
    assert result.exit_code == 0, result.output
    assert "Try it" not in result.stdout
    assert "demo project" not in result.stdout


def test_a_failing_demo_command_stores_nothing(
    loaded_radar: Radar, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``radar demo`` is one unit of work: a failure in the second partner leaves no project,
    round or first partner behind (nothing half-made to repair later)."""
    store = scores.store_scores
    stored: list[int] = []

    def third_fails(*args: Any, **kwargs: Any) -> None:
        if len(stored) == 2:
            raise InvalidInput("simulated failure")
        store(*args, **kwargs)
        stored.append(1)

    monkeypatch.setattr(scores, "store_scores", third_fails)
    fails(loaded_radar("demo", "--organisations", "2", "--respondents", "2"), "simulated failure")
    with Session(engine) as session:
        assert session.exec(select(Project)).all() == []
        assert session.exec(select(Response)).all() == []
    monkeypatch.setattr(scores, "store_scores", store)
    again = loaded_radar("demo", "--organisations", "2", "--respondents", "2")
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[-1].startswith("2 organisation(s), 4 submitted response(s)")
