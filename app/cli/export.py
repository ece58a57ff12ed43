"""``radar export``: a round's responses and scores as CSV, XLSX or JSON, written to a file.

The same export as the facilitators' download and the API (:mod:`app.services.round_export`).
The export is checked and audited in a short write, then read in a unit of work that only
reads (so ``radar serve`` keeps taking answers on SQLite meanwhile), streamed into the file;
a file cut short by an error is removed.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from app.cli.common import fail, read_session, say, write_session
from app.services import projects, round_export, rounds


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    JSON = "json"


def export(
    project: str = typer.Argument(..., help="Project slug"),
    round_name: str = typer.Argument(..., metavar="ROUND", help="Round name"),
    export_format: ExportFormat = typer.Option(..., "--format", help="csv, xlsx or json"),
    labels: str | None = typer.Option(
        None, "--labels", metavar="LANG", help="Answers as their labels in LANG, not codes"
    ),
    output: Path = typer.Option(..., "--output", "-o", help="The file to write"),
    force: bool = typer.Option(False, "--force", help="Replace an existing output file"),
) -> None:
    """Write a round's submitted responses (answers marked counted or hidden), their stored
    scores and, in XLSX and JSON, organisation aggregates; anonymous rounds leave out
    organisations below the minimum group size."""
    with write_session() as session:
        owner = projects.get_project_by_slug(session, project)
        found = rounds.get_round(session, owner, round_name)
        prepared = round_export.prepare(session, found, export_format.value, labels)
        round_export.record(session, prepared)
    try:
        target = output.open("wb" if force else "xb")
    except FileExistsError:
        raise fail(f"{output} exists already; give another file or --force") from None
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc.strerror}") from None
    try:
        with target, read_session() as session:
            for chunk in round_export.stream(session, prepared):
                target.write(chunk)
    except BaseException:
        output.unlink(missing_ok=True)
        raise
    say(f"wrote {output}: {prepared.exported} response(s) of round {round_name!r}")
