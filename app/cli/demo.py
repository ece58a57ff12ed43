"""``radar demo``: fill the demo project with synthetic partners, for trying the comparisons."""

from __future__ import annotations

import typer

from app.cli.common import say, write_session
from app.services import demo as service


def demo(
    organisations: int = typer.Option(8, min=0, max=200, help="Partner regions to add"),
    respondents: int = typer.Option(5, min=0, max=200, help="Submitted responses per partner"),
    seed: int | None = typer.Option(None, help="Same seed, same data (on the same database)"),
) -> None:
    """Add synthetic partners with submitted, scored responses to the project 'demo'."""
    with write_session() as session:
        result = service.populate(
            session, organisations=organisations, respondents=respondents, seed=seed
        )
    for name in result.organisations:
        say(f"added {name}")
    say(
        f"{len(result.organisations)} organisation(s), {result.responses} submitted response(s) "
        f"in project {service.DEMO_PROJECT!r}, round {service.DEMO_ROUND!r}"
    )
