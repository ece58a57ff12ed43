"""``radar responses``: a respondent's data rights (export, erasure) and retention.

A respondent identifies their response by its reference (the response's public id). Each
command is audited by the service, without answers or secrets.
"""

from __future__ import annotations

import typer

from app.cli.common import say, say_json, write_session
from app.services import projects, respondent_data, rounds

app = typer.Typer(help="One respondent's data: export, erase; retention.", no_args_is_help=True)


@app.command()
def export(public_id: str = typer.Argument(..., help="The response's reference")) -> None:
    """Print everything stored about one response as JSON (answers, comments, consent, times,
    scores)."""
    with write_session() as session:  # writes the audit event
        data = respondent_data.export(session, public_id)
    say_json(data)


@app.command()
def erase(public_id: str = typer.Argument(..., help="The response's reference")) -> None:
    """Delete one response, its stored scores and sessions; aggregates no longer include it."""
    with write_session() as session:
        respondent_data.erase(session, public_id)
    say(f"erased response {public_id}")


@app.command()
def purge(
    project: str = typer.Argument(..., help="Project slug"),
    round_name: str = typer.Argument(..., metavar="ROUND", help="Round name"),
    older_than: int = typer.Option(..., "--older-than", help="Retention in days"),
) -> None:
    """Retention: delete the round's responses not changed for DAYS days, with their scores."""
    with write_session() as session:
        owner = projects.get_project_by_slug(session, project)
        found = rounds.get_round(session, owner, round_name)
        purged = respondent_data.purge(session, found, older_than)
    say(
        f"removed {purged.responses} response(s) of {round_name!r} last changed before "
        f"{purged.before:%Y-%m-%d %H:%M} UTC"
    )
