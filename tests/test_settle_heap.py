"""``radar serve`` puts its start-up objects out of the garbage collector's sight, once
(:func:`app.main.settle_heap`); apps started otherwise (tests, many per process) do not."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app import main
from app.cli import serve
from app.main import SETTLE_HEAP, create_app
from app.settings import Settings, get_settings
from tests.cli.helpers import Radar


def _frozen(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    monkeypatch.setattr(main.gc, "collect", lambda: calls.append("collect") or 0)
    monkeypatch.setattr(main.gc, "freeze", lambda: calls.append("freeze"))
    return calls


def test_a_flagged_app_settles_its_heap_on_start_up(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _frozen(monkeypatch)
    application = create_app(settings)
    setattr(application.state, SETTLE_HEAP, True)
    with TestClient(application) as client:
        assert calls == ["collect", "freeze"]  # before the first request
        assert client.get("/healthz").status_code == 200
    assert calls == ["collect", "freeze"]  # once
    application.state.engine.dispose()


def test_other_apps_leave_the_collector_alone(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _frozen(monkeypatch)
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
    assert calls == []


def test_serve_flags_its_app(radar: Radar, monkeypatch: pytest.MonkeyPatch) -> None:
    served: list[Any] = []
    monkeypatch.setattr(serve.uvicorn, "run", lambda app, **kwargs: served.append(app))
    monkeypatch.setenv("RADAR_DEMO_ON_FIRST_RUN", "false")
    get_settings.cache_clear()
    result = radar("serve")
    assert result.exit_code == 0, result.output
    [application] = served
    assert getattr(application.state, SETTLE_HEAP) is True
