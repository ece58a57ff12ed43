"""``radar exports``: background exports (:mod:`app.services.export_jobs`).

``work`` runs the queued jobs once, then exits: for deployments that turn the app's worker
thread off (``RADAR_EXPORT_WORKER=false``) and run it from cron or a timer, or to finish jobs
while the service is down. It claims jobs as every app instance does, so running it next to
them is safe. Each job is its own units of work (claim, progress, outcome).
"""

from __future__ import annotations

import typer

from app.cli.common import engine_for, say
from app.export_worker import run_all
from app.settings import get_settings

app = typer.Typer(no_args_is_help=True, help="Background exports (large XLSX files).")


@app.command("work")
def work() -> None:
    """Run every queued export job, delete expired ones with their files, then exit."""
    settings = get_settings()
    engine = engine_for(settings)
    try:
        count = run_all(engine, settings)
    finally:
        engine.dispose()
    say(f"ran {count} export job(s)")
