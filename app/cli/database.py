"""``radar db``: schema migrations."""

from __future__ import annotations

import typer

from app import migrate
from app.cli.common import engine_for, say

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command()
def upgrade(revision: str = typer.Argument("head", help="Target revision")) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    engine = engine_for()
    migrate.upgrade(engine, revision)
    say(f"database at revision {', '.join(sorted(migrate.current_revisions(engine)))}")


@app.command()
def current() -> None:
    """Show the database's revision and whether migrations are pending."""
    engine = engine_for()
    revisions = ", ".join(sorted(migrate.current_revisions(engine))) or "(empty)"
    state = "up to date" if migrate.is_current(engine) else "migrations pending"
    say(f"{revisions}: {state}")
