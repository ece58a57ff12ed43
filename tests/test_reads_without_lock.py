"""Reading never waits for writers: list commands and GET requests use a read session, so they
work while another process holds a write transaction (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL:
every table locked against writes)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel
from typer.testing import Result

from app.settings import Settings
from tests.cli.helpers import Radar

PATIENCE_SECONDS = 5  # well below SQLite's busy timeout (15 s): a waiting reader would fail

SQLITE_LOCKER = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
connection.execute("UPDATE project SET name = name")
print("locked", flush=True)
time.sleep(120)
"""
POSTGRES_LOCKER = """
import sys, time, psycopg
connection = psycopg.connect(sys.argv[1])
tables = ", ".join(f'"{name}"' for name in sys.argv[2:])
connection.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
print("locked", flush=True)
time.sleep(120)
"""


@pytest.fixture
def network(radar: Radar, published_minimal: None) -> Radar:
    for args in (
        ("projects", "create", "net", "--name", "Network"),
        ("organisations", "add", "net", "Saxony", "--country", "DE"),
        ("rounds", "create", "net", "Baseline", "--questionnaire", "mini", "--version", "1.0"),
        ("invite", "net", "Baseline", "Saxony", "--label", "steering group"),
    ):
        result = radar(*args)
        assert result.exit_code == 0, result.output
    return radar


@pytest.fixture
def write_lock(settings: Settings) -> Iterator[None]:
    """Another process holding a write transaction until the test ends."""
    url = make_url(settings.effective_database_url)
    if url.get_backend_name() == "sqlite":
        command = [sys.executable, "-c", SQLITE_LOCKER, str(url.database)]
    else:
        plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
        tables = [table.name for table in SQLModel.metadata.sorted_tables]
        command = [sys.executable, "-c", POSTGRES_LOCKER, plain, *tables]
    locker = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert locker.stdout is not None
        assert locker.stdout.readline().strip() == "locked"
        yield
    finally:
        locker.kill()
        locker.wait()


def _quickly(run: Callable[[], Result]) -> Result:
    started = time.monotonic()
    result = run()
    assert time.monotonic() - started < PATIENCE_SECONDS, "the reader waited for the writer"
    return result


def test_list_commands_work_while_another_process_writes(network: Radar, write_lock: None) -> None:
    expected = {
        ("projects", "list"): "net\tNetwork",
        ("organisations", "list", "net"): "Saxony\tDE",
        ("rounds", "list", "net"): "Baseline\t1.0\topen",
        ("invitations", "list", "net", "Baseline"): "steering group",
        ("scores", "status"): "stale score rows: 0",
    }
    for args, text in expected.items():
        result = _quickly(lambda args=args: network(*args))  # type: ignore[misc]
        assert result.exit_code == 0, (args, result.output)
        assert text in result.stdout, args


def test_get_requests_work_while_another_process_writes(
    client: TestClient, published_minimal: None, write_lock: None
) -> None:
    for path in ("/", "/api/v1/questionnaires", "/api/v1/questionnaires/mini/versions/1.0"):
        response = _quickly(lambda path=path: client.get(path))  # type: ignore[misc]
        assert response.status_code == 200, path
        assert "mini" in response.text
