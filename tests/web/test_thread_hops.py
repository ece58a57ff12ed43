"""Respondent pages and saves take one hop to a worker thread per request: under load each hop
cost about as much as a query (docs/performance.md), and a respondent lookup that ran as a
dependency of its own took a second one before the route's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import complete
from tests.web.pages import Page


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the functions sent to a worker thread while the test runs."""
    sent: list[str] = []
    run_sync = anyio.to_thread.run_sync

    async def counting(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        sent.append(getattr(function, "__name__", repr(function)))
        return await run_sync(function, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counting)
    return sent


def test_a_step_page_its_save_and_the_result_take_one_hop_each(
    client: TestClient, started: Page, hops: list[str]
) -> None:
    hops.clear()
    page = Page.get(client, "/respond/step/1")
    assert page.status == 200
    assert len(hops) == 1, hops
    hops.clear()
    second = page.submit({"leadership.mandate": "1", "leadership.has_budget": "no"})
    assert second.url == "/respond/step/2", second.text
    assert len(hops) == 2, hops  # the save, then the next page it redirects to
    complete(Page.get(client, "/respond/step/1"))
    hops.clear()
    again = Page.get(client, "/respond/result")
    assert again.status == 200
    assert len(hops) == 1, hops
