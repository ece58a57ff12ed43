"""``radar scores``: stored scores are derived data; find stale ones and rebuild them."""

from __future__ import annotations

import typer

from app.cli.common import engine_for, fail, progress, read_session, say, write_session
from app.services import scores as service
from scoring import RULES_VERSION

app = typer.Typer(help="Stored scores of submitted responses.", no_args_is_help=True)


@app.command()
def rebuild(
    questionnaire: str | None = typer.Option(None, help="Only responses of this questionnaire"),
    version: str | None = typer.Option(None, help="Only this version (needs --questionnaire)"),
) -> None:
    """Rescore submitted responses from their answers with the current scoring rules.

    The one command that is several units of work: each batch commits on its own, so a large
    rebuild never holds SQLite's write lock for long and an interruption keeps what is done
    (running it again is safe: scores are derived from the answers).
    """
    if version is not None and questionnaire is None:
        raise fail("--version needs --questionnaire too")
    engine = engine_for()
    with read_session(engine) as session:
        batches = service.rebuild_batches(session, slug=questionnaire, version=version)
    count = 0
    total = sum(len(batch.response_ids) for batch in batches)
    with progress(total, "rescoring responses") as advance:
        for batch in batches:
            with write_session(engine) as session:
                done = service.rescore(session, batch)
            count += done
            advance(done)
    engine.dispose()
    say(f"{count} response(s) rescored with rules {RULES_VERSION}")


@app.command()
def status() -> None:
    """How many stored scores were made by other scoring rules than the current ones."""
    with read_session() as session:
        stale = service.stale_count(session)
        missing = service.unscored_count(session)
    say(f"scoring rules {RULES_VERSION}")
    say(f"stale score rows: {stale}")
    say(f"submitted responses without scores: {missing}")
    if stale or missing:
        say("run `radar scores rebuild` to bring them up to date")
