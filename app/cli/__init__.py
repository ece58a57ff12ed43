"""The ``radar`` command line: one typer app assembled from one module per command group."""

from __future__ import annotations

import typer
from pydantic import ValidationError

from app import validation_messages
from app.cli import (
    common,
    database,
    demo,
    export,
    exports,
    invitations,
    invite,
    organisations,
    projects,
    quality,
    questionnaires,
    responses,
    rounds,
    scores,
    serve,
    tokens,
    users,
)
from app.cli.common import fail
from app.settings import get_settings

app = typer.Typer(
    cls=common.CheckedArguments,
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
app.command("export")(export.export)
app.add_typer(exports.app, name="exports")
app.command("quality")(quality.quality)
app.add_typer(scores.app, name="scores")
app.add_typer(responses.app, name="responses")
app.add_typer(users.app, name="users")
app.add_typer(tokens.app, name="tokens")


def setting_name(loc: tuple[int | str, ...]) -> str:
    """The environment variable an error of the settings is about: ``RADAR_BASE_URL``."""
    return "RADAR_" + "_".join(str(part) for part in loc).upper()


def main() -> None:
    """Run the command line; a wrong ``RADAR_`` setting is one line naming it, not a traceback."""
    try:
        get_settings()
    except ValidationError as exc:
        problems = "; ".join(
            str(validation_messages.message_of({**error, "loc": (setting_name(error["loc"]),)}))
            for error in exc.errors()
        )
        raise SystemExit(fail(problems).exit_code) from None
    app()
