"""Links by name: unique route names, no hand-built internal paths, one public base URL, trusted
hosts derived from the settings."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError
from starlette.routing import BaseRoute

from app import links, web
from app.main import create_app
from app.settings import PROJECT_ROOT, Settings

ROUTE_METHODS = {"get", "post", "put", "patch", "delete", "api_route"}
INTERNAL_PATH = re.compile(r"^/[A-Za-z]")
TEMPLATE_PATH_ATTRIBUTE = re.compile(r'\b(href|src|action|data-[\w-]+)="/')


@pytest.fixture(scope="module")
def application(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    folder = tmp_path_factory.mktemp("links")
    app = create_app(Settings(database_url="sqlite://", data_dir=folder, secret_key="links"))
    yield app
    app.state.engine.dispose()


def _names(routes: Iterable[BaseRoute]) -> Iterator[Any]:
    """Every route's name, through included routers (which FastAPI may keep nested)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _names(inner.routes)
        else:
            yield getattr(route, "name", None)


def test_every_route_has_a_unique_name(application: FastAPI) -> None:
    names = list(_names(application.routes))
    assert len(names) > 20
    assert all(names), names
    assert [name for name, count in Counter(names).items() if count > 1] == []


def test_pages_have_namespaced_names(application: FastAPI) -> None:
    """Page routes are named ``area.thing`` (``respond.step``), so names stay unique as the
    facilitator area grows; templates and redirects use these names."""
    names = list(_names(web.router.routes))
    assert [name for name in names if name != "home" and "." not in name] == []
    assert application.url_path_for("respond.step", step=3) == "/respond/step/3"
    assert application.url_path_for("respond.invitation", token="abc") == "/r/abc"


def test_templates_write_no_internal_path() -> None:
    found = [
        f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}"
        for path in sorted((PROJECT_ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if TEMPLATE_PATH_ATTRIBUTE.search(line)
    ]
    assert found == [], "use url_for('route.name', ...)"


def _route_definitions(tree: ast.AST) -> set[int]:
    """ids of the string nodes that define routes: decorator paths and router prefixes."""
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ROUTE_METHODS and node.args:
            allowed.add(id(node.args[0]))
        if isinstance(func, ast.Name) and func.id == "APIRouter":
            allowed.update(id(k.value) for k in node.keywords if k.arg == "prefix")
    return allowed


def _hand_built_paths(path: Path, root: Path = PROJECT_ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed = _route_definitions(tree)
    return [
        f"{path.relative_to(root)}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and INTERNAL_PATH.match(node.value)
        and id(node) not in allowed
    ]


def test_web_services_and_cli_assemble_no_internal_path() -> None:
    """Redirects, links and printed links come from route names (app.links), not strings."""
    files = [
        path
        for folder in ("app/web", "app/services", "app/cli")
        for path in sorted((PROJECT_ROOT / folder).rglob("*.py"))
    ]
    found = [problem for path in files for problem in _hand_built_paths(path)]
    assert found == []


def test_the_check_finds_hand_built_paths(tmp_path: Path) -> None:
    source = tmp_path / "sample.py"
    source.write_text(
        'router = APIRouter(prefix="/respond")\n'
        '@router.get("/result")\n'
        "def f(step): return redirect(f'/respond/step/{step}'), '/respond/result', '/'\n",
        encoding="utf-8",
    )
    found = sorted(line.split(": ", 1)[1] for line in _hand_built_paths(source, tmp_path))
    assert found == ["'/respond/result'", "'/respond/step/'"]


@pytest.mark.parametrize(
    ("host", "base", "expected"),
    [
        ("127.0.0.1", "", "http://127.0.0.1:8000"),
        ("0.0.0.0", "", "http://localhost:8000"),
        ("::1", "", "http://[::1]:8000"),
        ("0.0.0.0", "https://radar.example.eu/", "https://radar.example.eu"),
        ("0.0.0.0", "https://example.eu/radar", "https://example.eu/radar"),
    ],
)
def test_public_base_url_without_a_request(
    host: str, base: str, expected: str, tmp_path: Path
) -> None:
    settings = Settings(host=host, base_url=base, port=8000, data_dir=tmp_path)
    assert links.public_base_url(settings) == expected


def test_public_link_joins_the_base_and_the_route(application: FastAPI) -> None:
    settings = Settings(base_url="https://example.eu/radar/")
    link = links.public_link(settings, application, "respond.resume", token="t0k")
    assert link == "https://example.eu/radar/resume/t0k"


@pytest.mark.parametrize(
    ("host", "base", "configured", "expected"),
    [
        ("127.0.0.1", "", [], ["localhost", "127.0.0.1", "[::1]"]),
        ("0.0.0.0", "", [], ["localhost", "127.0.0.1", "[::1]"]),
        ("10.1.2.3", "", [], ["localhost", "127.0.0.1", "[::1]", "10.1.2.3"]),
        (
            "::",
            "https://Radar.Example.eu:8443/x",
            [],
            ["localhost", "127.0.0.1", "[::1]", "radar.example.eu"],
        ),
        ("fd00::5", "http://[fd00::5]:8000", [], ["localhost", "127.0.0.1", "[::1]", "[fd00::5]"]),
        ("0.0.0.0", "https://radar.example.eu", ["*.example.org"], ["*.example.org"]),
    ],
)
def test_trusted_hosts_default_from_bind_address_and_base_url(
    host: str, base: str, configured: list[str], expected: list[str]
) -> None:
    settings = Settings(host=host, base_url=base, trusted_hosts=configured)
    assert links.trusted_hosts(settings) == expected


def test_trusted_hosts_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RADAR_TRUSTED_HOSTS", " radar.example.eu, *.example.org ,")
    assert Settings().trusted_hosts == ["radar.example.eu", "*.example.org"]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("RADAR_BASE_URL", "radar.example.eu", "must be an http(s) URL with a host"),
        ("RADAR_BASE_URL", "ftp://radar.example.eu", "must be an http(s) URL with a host"),
        ("RADAR_TRUSTED_HOSTS", "radar.*.eu", "'radar.*.eu' is no host pattern"),
        ("RADAR_TRUSTED_HOSTS", "*example.eu", "'*example.eu' is no host pattern"),
    ],
)
def test_wrong_link_settings_are_refused(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError, match=re.escape(message)):
        Settings()


def test_the_command_line_names_a_wrong_setting_in_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "projects", "list"],
        env={"RADAR_BASE_URL": "radar.example.eu", "RADAR_DATA_DIR": str(tmp_path), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr == (
        "error: RADAR_BASE_URL: must be an http(s) URL with a host, not 'radar.example.eu'\n"
    )


def _client(**settings: object) -> TestClient:
    return TestClient(
        create_app(Settings(database_url="sqlite://", secret_key="hosts", **settings)),  # type: ignore[arg-type]
        base_url="http://localhost:8000",
    )


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("localhost:8000", 200),
        ("127.0.0.1:8000", 200),
        ("[::1]:8000", 200),
        ("radar.example.eu", 200),
        ("RADAR.example.eu:443", 200),
        ("evil.example", 400),
        ("radar.example.eu.evil.example", 400),
        ("", 400),
    ],
)
def test_untrusted_hosts_are_refused(host: str, status: int) -> None:
    client = _client(host="0.0.0.0", base_url="https://radar.example.eu")
    response = client.get("/api/v1/openapi.json", headers={"Host": host})
    assert response.status_code == status
    assert "content-security-policy" in response.headers


def test_health_probes_answer_any_host() -> None:
    """Load balancers call them by IP; they build no links."""
    client = _client()
    assert client.get("/healthz", headers={"Host": "10.0.0.7:8000"}).status_code == 200
    assert client.get("/api/v1/openapi.json", headers={"Host": "10.0.0.7"}).status_code == 400


def test_configured_hosts_replace_the_default() -> None:
    client = _client(trusted_hosts=["*.example.org"])
    assert client.get("/api/v1/openapi.json", headers={"Host": "a.example.org"}).status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 400  # localhost: not listed now
    anyone = _client(trusted_hosts=["*"])
    assert anyone.get("/api/v1/openapi.json", headers={"Host": "x.y"}).status_code == 200
