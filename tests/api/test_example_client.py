"""``examples/api_client.py`` works against a real server: it finds its project, submits a
complete flagship response with an idempotency key (its retry creates nothing) and reads the
organisation's aggregate, and downloads the round's CSV."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.main import create_app
from app.models import Response, ResponseStatus
from app.services.questionnaires import Published
from app.settings import Settings
from tests import factories
from tests.api.test_questionnaires import shipped
from tests.helpers import free_port, serving

CLIENT = Path(__file__).parents[2] / "examples" / "api_client.py"


def _client_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("api_client", CLIENT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_example_client_submits_once_and_reads_the_profile(
    settings: Settings,
    session: Session,
    engine: Engine,
    loaded: list[Published],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    project = factories.project(session, min_group_size=1)
    factories.organisation(session, project, "Saxony")
    factories.round_(session, project, "Baseline", slug=factories.FLAGSHIP)
    token = factories.api_token(
        session, project, ("responses:write", "results:read", "exports:read")
    )
    session.commit()
    client = _client_module()
    app = create_app(settings.model_copy(update={"trusted_hosts": ["127.0.0.1"]}))
    try:
        with serving(app) as url:
            target = tmp_path / "baseline.csv"
            assert client.main(["--url", url, "--token", token, "--csv", str(target)]) == 0
    finally:
        app.state.engine.dispose()
    with Session(engine) as reader:
        statuses = reader.exec(select(Response.status, func.count()).group_by(Response.status))
        assert dict(statuses.all()) == {ResponseStatus.SUBMITTED.value: 1}
    printed = capsys.readouterr().out
    assert f"of project {project.slug}" in printed
    newest = shipped("intercultural-integration")[-1]  # the client lists the newest version
    assert f"questionnaire intercultural-integration {newest}" in printed
    figures = [line for line in printed.splitlines() if line.startswith("Saxony ")]
    assert len(figures) == 12  # one per dimension of the flagship questionnaire
    assert all(line.endswith("(n 1)") for line in figures)
    # the round's CSV, as the export page gives it: a header and the one submitted response
    with Session(engine) as reader:
        public_id = reader.exec(select(Response.public_id)).one()
    with target.open(newline="", encoding="utf-8-sig") as written:
        header, *rows = list(csv.reader(written))
    assert header[0] == "response"
    assert [row[0] for row in rows] == [public_id]
    assert f"round Baseline: 1 response(s) exported to {target}" in printed
    assert not target.with_name("baseline.csv.part").exists()


def test_the_example_client_says_what_went_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No traceback: a server that does not answer, a CSV folder that does not exist (said
    before anything is submitted)."""
    client = _client_module()
    unreachable = f"http://127.0.0.1:{free_port()}"
    assert client.main(["--url", unreachable, "--token", "radar_x"]) == 1
    assert f"error: cannot reach {unreachable}" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:
        client.main(
            ["--url", unreachable, "--token", "radar_x", "--csv", str(tmp_path / "no/x.csv")]
        )
    assert stopped.value.code == 2
    assert "--csv: no folder" in capsys.readouterr().err
