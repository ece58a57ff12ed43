"""``radar tokens``: API tokens of a project, for other tools (see the README's API section).

``create`` prints the token once, alone on stdout (so ``$(radar tokens create ...)`` captures
it); only its hash is stored, so it cannot be shown again. ``--expires 2027-12-31`` means the
token works through that day in the service's time zone (setting ``time_zone``), and lists
show that same day (:func:`app.times.last_day`).

``--all-projects`` makes a cross-project token, which reaches every project (and lists them):
an administrator's tool, like the admin-only page; whoever runs the CLI has the database.
"""

from __future__ import annotations

from datetime import datetime

import typer

from app import times
from app.cli.common import fail, read_session, say, say_row, write_session
from app.cli.rounds import parse_moment
from app.db_types import utcnow
from app.services import api_tokens, projects
from app.settings import get_settings

app = typer.Typer(help="API tokens of a project.", no_args_is_help=True)


def _day(moment: datetime | None, time_zone: str, *, last: bool = False) -> str:
    """A day in ``time_zone`` ("-" for none); ``last``: the last day before an end."""
    if moment is None:
        return "-"
    if last:
        return times.last_day(moment, time_zone).isoformat()
    return moment.astimezone(times.zone(time_zone)).date().isoformat()


@app.command()
def create(
    project: str | None = typer.Option(None, help="Project slug"),
    all_projects: bool = typer.Option(
        False, "--all-projects", help="A cross-project token reaching every project (admins)"
    ),
    name: str = typer.Option(..., help="What the token is for, e.g. 'regional portal'"),
    scopes: str = typer.Option(
        ..., help=f"Comma-separated, of: {', '.join(api_tokens.ALL_SCOPES)}"
    ),
    expires: str | None = typer.Option(
        None, help="Last day the token works (in the service's time zone)"
    ),
) -> None:
    """Make a token and print it once; keep it secret, it is not shown again."""
    if (project is None) == (not all_projects):
        raise fail("name either --project SLUG or --all-projects")
    time_zone = get_settings().time_zone
    expires_at = parse_moment("--expires", expires, end_of_day=True, time_zone=time_zone)
    with write_session() as session:
        found = None if project is None else projects.get_project_by_slug(session, project)
        row, secret = api_tokens.create_token(
            session, found, name, scopes.split(","), expires_at=expires_at
        )
    say(secret)
    reach = "every project" if found is None else f"project {found.slug}"
    say(f"token {row.id} ({row.prefix}…) for {reach} created; it is shown only this once", err=True)


@app.command("list")
def list_(
    project: str | None = typer.Option(None, help="Project slug"),
    all_projects: bool = typer.Option(
        False, "--all-projects", help="The cross-project tokens instead"
    ),
) -> None:
    """One line per token: number, name, prefix, scopes, created, expires (the last day it
    works), last used, state."""
    if (project is None) == (not all_projects):
        raise fail("name either --project SLUG or --all-projects")
    now = utcnow()
    time_zone = get_settings().time_zone
    with read_session() as session:
        found = None if project is None else projects.get_project_by_slug(session, project)
        rows = api_tokens.list_tokens(session, found)
    for row in rows:
        say_row(
            row.id,
            row.name,
            f"{row.prefix}…",
            ",".join(row.scopes),
            f"created {_day(row.created_at, time_zone)}",
            f"expires {_day(row.expires_at, time_zone, last=True)}",
            f"last used {_day(row.last_used_at, time_zone)}",
            api_tokens.token_state(row, now),
        )


@app.command()
def revoke(token_id: int = typer.Argument(..., help="The number from `radar tokens list`")) -> None:
    """Make a token unusable from now on (audited)."""
    with write_session() as session:
        row = api_tokens.revoke_token(session, token_id)
    say(f"token {row.id} ({row.prefix}…) revoked")
