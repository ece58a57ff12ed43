"""Access logs never contain link tokens: ``radar serve`` logs one redacted line per request
with a request id (checked on the output of a real server process)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from app.request_log import redact_path, shorten_address
from tests.helpers import free_port

TOKEN = "Zq3_k9XbT2vLm8NpQr5sWy7Ac1De4Fg6Hj0Kt-uVxYz"


@pytest.mark.parametrize(
    ("path", "query", "logged"),
    [
        (f"/r/{TOKEN}", "", "/r/[redacted]"),
        (f"/resume/{TOKEN}", "", "/resume/[redacted]"),
        (f"/report/{TOKEN}", "", "/report/[redacted]"),
        ("/report/short-guess", "", "/report/[redacted]"),
        ("/r/short-guess", "", "/r/[redacted]"),  # invalid tokens are secrets to their owner too
        (f"/future/{TOKEN}/report", "", "/future/[redacted]/report"),  # any token-shaped part
        ("/respond/step/2", "more=1", "/respond/step/2?more=1"),
        (
            "/x",
            f"token=abc&lang=en&next={TOKEN}",
            "/x?token=%5Bredacted%5D&lang=en&next=%5Bredacted%5D",
        ),
        ("/api/v1/questionnaires/intercultural-integration-questionnaire/versions", "", None),
        ("/respond/result/0123456789abcdef0123456789abcdef", "", None),  # a hex id stays
    ],
)
def test_redaction(path: str, query: str, logged: str | None) -> None:
    assert redact_path(path, query) == (logged or path)


def test_client_addresses_are_shortened_to_their_network() -> None:
    assert shorten_address("192.0.2.77") == "192.0.2.0/24"
    assert shorten_address("2001:db8:1234:5678::1") == "2001:db8:1234::/48"
    assert shorten_address("testclient") == "-"
    assert shorten_address(None) == "-"


def _wait_for(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "radar serve stopped"
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("radar serve did not answer")


def test_a_real_server_logs_requests_without_their_tokens(tmp_path: Path) -> None:
    port = free_port()
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "RADAR_DATA_DIR": str(tmp_path / "data"),
        "RADAR_SECRET_KEY": "log-test-secret",
        "RADAR_PORT": str(port),
        "RADAR_LOG_FORMAT": "text",
    }
    stderr = (tmp_path / "stderr.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve"],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/healthz", process)
        assert process.stdout is not None
        printed = ""
        while "Try it:" not in printed:
            printed += process.stdout.readline()
        invitation = re.search(r"/r/([A-Za-z0-9_-]+)", printed)
        assert invitation is not None
        with httpx.Client(base_url=base, follow_redirects=True) as browser:
            start = browser.get(f"/r/{invitation[1]}")
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', start.text)
            assert csrf is not None
            consented = browser.post(
                f"/r/{invitation[1]}", data={"csrf_token": csrf[1], "consent": "yes"}
            )
        personal = re.search(r"/resume/([A-Za-z0-9_-]+)", consented.text)
        assert personal is not None
        with httpx.Client(base_url=base) as other:
            resumed = other.get(f"/resume/{personal[1]}")
            assert resumed.status_code == 303
            request_id = resumed.headers["x-request-id"]
            assert other.get(f"/r/{TOKEN}").status_code == 404
    finally:
        process.terminate()
        process.wait(timeout=30)
    stderr.seek(0)
    log = stderr.read()
    for secret in (invitation[1], personal[1], TOKEN):
        assert secret not in log
    lines = [line for line in log.splitlines() if "event='request'" in line]
    assert any("path='/r/[redacted]'" in line and "status=303" in line for line in lines), log
    assert any(
        f"request_id='{request_id}'" in line and "path='/resume/[redacted]'" in line
        for line in lines
    ), log
    assert any("path='/r/[redacted]'" in line and "status=404" in line for line in lines), log
    assert all("client='127.0.0.0/24'" in line for line in lines)


def test_examples_in_the_docstrings_hold() -> None:
    import doctest

    from app import request_log

    assert doctest.testmod(request_log).failed == 0
