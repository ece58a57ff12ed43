"""The ``radar`` command line: one typer app assembled from one module per command group."""

from __future__ import annotations

import typer

from app.cli import (
    database,
    demo,
    invitations,
    invite,
    organisations,
    projects,
    questionnaires,
    rounds,
    scores,
    serve,
)

app = typer.Typer(
    name="radar",
    help="Integration Radar: self-assessment of intercultural integration.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command("serve")(serve.serve)
app.add_typer(database.app, name="db")
app.add_typer(questionnaires.app, name="questionnaires")
app.add_typer(projects.app, name="projects")
app.add_typer(organisations.app, name="organisations")
app.add_typer(rounds.app, name="rounds")
app.command("invite")(invite.invite)
app.add_typer(invitations.app, name="invitations")
app.command("demo")(demo.demo)
app.add_typer(scores.app, name="scores")


def main() -> None:
    app()
