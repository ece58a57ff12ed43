"""Small helpers shared by tests (fixtures live in conftest.py)."""

from __future__ import annotations

import asyncio
import copy
import socket
import threading
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import uvicorn
import yaml

MINIMAL_DEFINITION = Path(__file__).parent / "scoring" / "minimal.yaml"
ARABIC_DEFINITION = Path(__file__).parent / "scoring" / "arabic.yaml"


def minimal_definition() -> dict[str, Any]:
    """A fresh copy of the small valid definition, to break in one place per test."""
    return copy.deepcopy(yaml.safe_load(MINIMAL_DEFINITION.read_text(encoding="utf-8")))


def open_items(*, note_required: bool = False) -> list[dict[str, Any]]:
    """Two unscored leadership items to add to the small definition: an optional number item
    ``leadership.staff`` ("Staff?") and a text item ``leadership.note`` ("Note?")."""
    return [
        {
            "id": "leadership.staff",
            "dimension": "leadership",
            "type": "number",
            "required": False,
            "text": {"de": "Personal?", "en": "Staff?"},
        },
        {
            "id": "leadership.note",
            "dimension": "leadership",
            "type": "text",
            "required": note_required,
            "text": {"de": "Notiz?", "en": "Note?"},
        },
    ]


def arabic_definition() -> dict[str, Any]:
    """A small definition in Arabic (right to left, the default) and English."""
    return dict(yaml.safe_load(ARABIC_DEFINITION.read_text(encoding="utf-8")))


def write_definition(directory: Path, data: dict[str, Any], name: str | None = None) -> Path:
    """Write a definition as ``<dir>/<slug>/<version>.yaml`` (the layout the loader expects)."""
    folder = directory / str(data.get("slug", "broken"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"{data.get('version', '0')}.yaml")
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(app: Any, log_level: str = "warning") -> Iterator[str]:
    """Serve ``app`` with a real uvicorn server in a thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level=log_level))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


T = TypeVar("T")


def run_coroutine(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(coroutine)`` in a thread of its own: the browser tests' Playwright keeps
    an event loop running in the main thread for the rest of the session, and a second loop
    cannot run in a thread that has one running."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()
