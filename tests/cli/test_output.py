"""CLI output: names with line breaks, tabs, terminal escapes or bidi overrides can neither break
a line nor forge one nor recolour the terminal; every output line goes through one helper."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import Result

from app.cli.common import printable
from app.models import Invitation, Organisation, Project, Round
from app.services import questionnaires
from app.settings import PROJECT_ROOT

Radar = Callable[..., Result]
HOSTILE = "Evil\r\nerror: forged\tline\x1b[31m red\u202etxt.exe\x85end"
ESCAPED = "Evil\\r\\nerror: forged\\tline\\x1b[31m red\\u202etxt.exe\\x85end"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("line\nbreak", "line\\nbreak"),
        ("carriage\rreturn", "carriage\\rreturn"),
        ("tab\there", "tab\\there"),
        ("nul\x00", "nul\\x00"),
        ("bell\x07 escape\x1b[2J del\x7f", "bell\\x07 escape\\x1b[2J del\\x7f"),
        ("next line\x85 csi\x9b", "next line\\x85 csi\\x9b"),
        ("separators\u2028\u2029", "separators\\u2028\\u2029"),
        ("bidi\u202e\u2066\u2069", "bidi\\u202e\\u2066\\u2069"),
        (
            "Région Skåne, Łódź, 東京, 👩\u200d👩\u200d👧",
            "Région Skåne, Łódź, 東京, 👩\u200d👩\u200d👧",
        ),
    ],
)
def test_printable_escapes_control_characters_only(raw: str, shown: str) -> None:
    assert printable(raw) == shown


@pytest.fixture
def hostile_names(session: Session, published_minimal: None) -> None:
    """Names as they may already be stored (the boundary checks of today may not have run)."""
    project = Project(slug="net", name=HOSTILE)
    session.add(project)
    session.flush()
    assert project.id is not None
    organisation = Organisation(project_id=project.id, name=HOSTILE, country="DE")
    other = Organisation(project_id=project.id, name="Plain", country="PL")
    session.add_all([organisation, other])
    version = questionnaires.get_version(session, "mini", "1.0")
    assert version.id is not None
    round_ = Round(project_id=project.id, questionnaire_version_id=version.id, name=HOSTILE)
    session.add(round_)
    session.flush()
    assert round_.id is not None
    assert organisation.id is not None
    session.add(
        Invitation(
            round_id=round_.id,
            organisation_id=organisation.id,
            number=1,
            token_hash="0" * 64,
            label=HOSTILE,
        )
    )
    session.commit()


def _one_line_per_row(output: str, rows: int) -> list[str]:
    lines = output.splitlines()
    assert len(lines) == rows, lines
    assert not any(c in output for c in "\r\x1b\u202e\x85"), output
    return lines


def test_lists_show_hostile_names_escaped(radar: Radar, hostile_names: None) -> None:
    [project] = _one_line_per_row(radar("projects", "list").stdout, 1)
    assert project.split("\t") == ["net", ESCAPED, "min group 3"]
    organisations = _one_line_per_row(radar("organisations", "list", "net").stdout, 2)
    assert organisations[0].split("\t") == [ESCAPED, "DE", "region"]
    [round_] = _one_line_per_row(radar("rounds", "list", "net").stdout, 1)
    assert round_.split("\t")[0] == ESCAPED
    [link] = _one_line_per_row(radar("invitations", "list", "net", HOSTILE).stdout, 1)
    fields = link.split("\t")
    assert (fields[1], fields[-1]) == (ESCAPED, ESCAPED)


def test_messages_and_errors_show_hostile_names_escaped(radar: Radar, hostile_names: None) -> None:
    closed = radar("rounds", "close", "net", HOSTILE)
    [line] = _one_line_per_row(closed.stdout, 1)
    assert ESCAPED in line or repr(HOSTILE)[1:-1] in line
    missing = radar("organisations", "list", "no\nsuch\x1b[0m")
    assert missing.exit_code == 1
    [error] = _one_line_per_row(missing.stderr, 1)
    assert error.startswith("error: ")


def test_every_cli_line_goes_through_the_helper() -> None:
    """No module of app/cli prints by itself (typer.echo, print) but the helpers."""
    for path in sorted(Path(PROJECT_ROOT, "app", "cli").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = ast.unparse(node.func)
            if name in {"typer.echo", "print", "typer.secho", "click.echo", "sys.stdout.write"}:
                assert path.name == "common.py", f"{path.name}:{node.lineno} prints by itself"
