"""``radar scores``: stored scores are derived data; find stale ones and rebuild them."""

from __future__ import annotations

import typer

from app.cli.common import write_session
from app.services import scores as service
from scoring import RULES_VERSION

app = typer.Typer(help="Stored scores of submitted responses.", no_args_is_help=True)


@app.command()
def rebuild(
    questionnaire: str | None = typer.Option(None, help="Only responses of this questionnaire"),
    version: str | None = typer.Option(None, help="Only this version (needs --questionnaire)"),
) -> None:
    """Rescore submitted responses from their answers with the current scoring rules."""
    with write_session() as session:
        count = service.rebuild(session, slug=questionnaire, version=version)
    typer.echo(f"{count} response(s) rescored with rules {RULES_VERSION}")


@app.command()
def status() -> None:
    """How many stored scores were made by other scoring rules than the current ones."""
    with write_session() as session:
        stale = service.stale_count(session)
        missing = service.unscored_count(session)
    typer.echo(f"scoring rules {RULES_VERSION}")
    typer.echo(f"stale score rows: {stale}")
    typer.echo(f"submitted responses without scores: {missing}")
    if stale or missing:
        typer.echo("run `radar scores rebuild` to bring them up to date")
