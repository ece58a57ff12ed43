"""``radar questionnaires``: validate, publish, retire definition files; print the schema;
translate texts (``texts``, :mod:`app.cli.questionnaire_texts`)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from app.cli import questionnaire_texts
from app.cli.common import fail, say, say_json, write_session
from app.definition_files import DefinitionFileError, definition_schema, validate_files
from app.services import questionnaires as service
from app.settings import get_settings

app = typer.Typer(help="Questionnaire definitions.", no_args_is_help=True)
app.add_typer(questionnaire_texts.app, name="texts")


@app.command()
def validate(paths: list[Path] = typer.Argument(..., help="Definition files")) -> None:
    """Check files; print every problem as file:path: message. Exit 1 on any problem."""
    problems = validate_files(paths)
    for problem in problems:
        say(problem, err=True)
    if problems:
        raise typer.Exit(code=1)
    say(f"{len(paths)} file(s) valid")


@app.command()
def load(
    directory: Path | None = typer.Option(None, help="Default: RADAR_QUESTIONNAIRES_DIR"),
) -> None:
    """Publish every definition below DIRECTORY (idempotent; published versions never change)."""
    directory = directory or get_settings().questionnaires_dir
    with write_session() as session:
        try:
            results = service.load_directory(session, directory)
        except DefinitionFileError as exc:
            raise fail(str(exc)) from None
    for result in results:
        say(f"{result.slug} {result.version}: {result.outcome.value}")


@app.command()
def retire(slug: str, version: str) -> None:
    """Retire a version: no new rounds may use it; its responses stay readable."""
    with write_session() as session:
        service.retire(session, slug, version)
    say(f"{slug} {version}: retired")


@app.command()
def schema() -> None:
    """Print the JSON Schema of definition files (for editor completion); the API serves
    the same document at /api/v1/questionnaires/schema."""
    say_json(json.loads(definition_schema()[0]))
