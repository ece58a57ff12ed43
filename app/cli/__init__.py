"""The ``radar`` command line: one typer app assembled from one module per command group."""

from __future__ import annotations

import typer

from app.cli import database, questionnaires, serve

app = typer.Typer(
    name="radar",
    help="Integration Radar: self-assessment of intercultural integration.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command("serve")(serve.serve)
app.add_typer(database.app, name="db")
app.add_typer(questionnaires.app, name="questionnaires")


def main() -> None:
    app()
