"""``radar tokens``: API tokens of a project, for other tools (see the README's API section).

``create`` prints the token once, alone on stdout (so ``$(radar tokens create ...)`` captures
it); only its hash is stored, so it cannot be shown again. ``--expires 2027-01-31`` means
the token works until the end of that day (UTC), as dates do in ``radar rounds``.
"""

from __future__ import annotations

from datetime import datetime

import typer

from app.cli.common import read_session, say, say_row, write_session
from app.cli.rounds import parse_moment
from app.db_types import utcnow
from app.services import api_tokens, projects

app = typer.Typer(help="API tokens of a project.", no_args_is_help=True)


def _day(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else "-"


@app.command()
def create(
    project: str = typer.Option(..., help="Project slug"),
    name: str = typer.Option(..., help="What the token is for, e.g. 'regional portal'"),
    scopes: str = typer.Option(
        ..., help=f"Comma-separated, of: {', '.join(api_tokens.ALL_SCOPES)}"
    ),
    expires: str | None = typer.Option(None, help="Last day the token works (UTC)"),
) -> None:
    """Make a token and print it once; keep it secret, it is not shown again."""
    expires_at = parse_moment("--expires", expires, end_of_day=True)
    with write_session() as session:
        found = projects.get_project_by_slug(session, project)
        row, secret = api_tokens.create_token(
            session, found, name, scopes.split(","), expires_at=expires_at
        )
    say(secret)
    say(f"token {row.id} ({row.prefix}…) created; it is shown only this once", err=True)


@app.command("list")
def list_(project: str = typer.Option(..., help="Project slug")) -> None:
    """One line per token: number, name, prefix, scopes, created, expires, last used, state."""
    now = utcnow()
    with read_session() as session:
        rows = api_tokens.list_tokens(session, projects.get_project_by_slug(session, project))
    for row in rows:
        say_row(
            row.id,
            row.name,
            f"{row.prefix}…",
            ",".join(row.scopes),
            f"created {_day(row.created_at)}",
            f"expires {_day(row.expires_at)}",
            f"last used {_day(row.last_used_at)}",
            api_tokens.token_state(row, now),
        )


@app.command()
def revoke(token_id: int = typer.Argument(..., help="The number from `radar tokens list`")) -> None:
    """Make a token unusable from now on (audited)."""
    with write_session() as session:
        row = api_tokens.revoke_token(session, token_id)
    say(f"token {row.id} ({row.prefix}…) revoked")
