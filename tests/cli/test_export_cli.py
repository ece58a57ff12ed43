"""``radar export``: the round's file as the download gives it, written to --output; bad
input is one line and leaves no file behind."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.db import unit_of_work
from app.models import AuditEvent, ExportJob, Round
from app.services import export_jobs, round_export
from app.settings import Settings
from tests import factories
from tests.cli.helpers import Radar, fails

ANSWERS = {
    "leadership.mandate": 4,
    "leadership.has_budget": "no",
    "leadership.budget_size": 1,  # hidden
    "services.training": 2,
}


def _seed(session: Session) -> tuple[str, str]:
    net = factories.network(session, organisation_name="+Town", round_name="Baseline")
    for _ in range(2):
        factories.response(
            session, net.round, net.organisation, ANSWERS, submitted=True, scored=True
        )
    slug = net.project.slug
    session.commit()
    return slug, "Baseline"


def test_each_format_is_written_to_the_file(
    radar: Radar, session: Session, engine: Engine, tmp_path: Path
) -> None:
    slug, name = _seed(session)
    target = tmp_path / "round.csv"
    result = radar("export", slug, name, "--format", "csv", "--labels", "de", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {target}: 2 response(s) of round 'Baseline'\n"
    rows = list(csv.DictReader(io.StringIO(target.read_text("utf-8-sig"))))
    assert [row["organisation"] for row in rows] == ["'+Town", "'+Town"]
    assert {row["item:leadership.budget_size"] for row in rows} == {"hidden: kaum"}

    book = tmp_path / "round.xlsx"
    assert radar("export", slug, name, "--format", "xlsx", "-o", str(book)).exit_code == 0
    sheet = openpyxl.load_workbook(book)["organisations"]
    assert [cell.value for cell in sheet[2]][:6] == [
        "+Town",
        "DE",
        "region",
        2,
        3,
        "not enough responses",
    ]

    document = tmp_path / "round.json"
    assert radar("export", slug, name, "--format", "json", "-o", str(document)).exit_code == 0
    assert len(json.loads(document.read_text("utf-8"))["responses"]) == 2
    with Session(engine) as reader:
        events = reader.exec(select(AuditEvent).where(AuditEvent.action == "round.export")).all()
        assert [event.detail["format"] for event in events] == ["csv", "xlsx", "json"]


def test_bad_input_is_one_line_and_no_file(radar: Radar, session: Session, tmp_path: Path) -> None:
    slug, name = _seed(session)
    target = tmp_path / "out.csv"
    fails(
        radar("export", slug, name, "--format", "csv", "--labels", "fr", "-o", str(target)),
        "language 'fr' is not offered; available: de, en",
    )
    fails(
        radar("export", slug, "Nope", "--format", "csv", "-o", str(target)),
        f"project {slug!r} has no round 'Nope'",
    )
    assert not target.exists()
    target.write_text("keep")
    fails(
        radar("export", slug, name, "--format", "csv", "-o", str(target)),
        f"{target} exists already; give another file or --force",
    )
    assert target.read_text() == "keep"
    assert (
        radar("export", slug, name, "--format", "csv", "-o", str(target), "--force").exit_code == 0
    )
    assert target.read_text("utf-8-sig").startswith("response,organisation")
    result = radar("export", slug, name, "--format", "pdf", "-o", str(target))
    assert result.exit_code == 2  # typer names the allowed choices


def test_exports_work_runs_the_queued_jobs_once(
    radar: Radar, session: Session, engine: Engine, settings: Settings
) -> None:
    _seed(session)
    round_ = session.exec(select(Round).where(Round.name == "Baseline")).one()
    for kind in ("xlsx", "csv"):
        export_jobs.request(
            session, round_export.prepare(session, round_, kind), actor="t", keep_hours=1
        )
    session.commit()
    result = radar("exports", "work")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "ran 2 export job(s)"
    with unit_of_work(engine, write=False) as reader:
        jobs = reader.exec(select(ExportJob).order_by(col(ExportJob.id))).all()
    assert [(job.status, job.rows_done) for job in jobs] == [("done", 2), ("done", 2)]
    names = [job.file_name for job in jobs]
    assert all(names)
    book = openpyxl.load_workbook(settings.data_dir / "exports" / str(names[0]))
    assert book["responses"].max_row == 3
    assert radar("exports", "work").output.strip() == "ran 0 export job(s)"
