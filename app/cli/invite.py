"""``radar invite``: create invitation links for one organisation in a round.

Links are printed once, one per line on stdout (so they can be piped into a mail merge); the
service keeps only their hashes and cannot show them again.
"""

from __future__ import annotations

import typer

from app import stakeholder_groups
from app.cli.common import fail, public_links, say, write_session
from app.cli.rounds import parse_moment
from app.services import invitations, projects, rounds
from app.settings import get_settings


def invite(
    project: str = typer.Argument(..., help="Project slug"),
    round_name: str = typer.Argument(..., metavar="ROUND", help="Round name"),
    organisation: str = typer.Argument(..., help="Organisation name"),
    multi_use: bool = typer.Option(False, help="One link for several respondents"),
    max_uses: int | None = typer.Option(None, help="Limit of a multi-use link"),
    group: str | None = typer.Option(
        None,
        help="Stakeholder group: "
        + ", ".join(stakeholder_groups.LABELS)
        + " (pages show their labels) or your own name for it",
    ),
    expires: str | None = typer.Option(
        None, help="Last day the link works (in the service's time zone)"
    ),
    label: str = typer.Option("", help="A note for facilitators, e.g. who got the link"),
    count: int = typer.Option(1, min=1, max=1000, help="How many links to create"),
) -> None:
    """Create invitation link(s) and print them (they are shown only this once)."""
    expires_at = parse_moment("--expires", expires, end_of_day=True)
    link_to = public_links(get_settings())
    links: list[str] = []
    with write_session() as session:
        found = projects.get_project_by_slug(session, project)
        round_ = rounds.get_round(session, found, round_name)
        member = projects.get_organisation(session, found, organisation)
        for _ in range(count):
            _invitation, token = invitations.create_invitation(
                session,
                round_,
                member,
                multi_use=multi_use,
                max_uses=max_uses,
                stakeholder_group=group,
                expires_at=expires_at,
                label=label,
            )
            links.append(link_to("respond.invitation", token=token))
    if not links:
        raise fail("no link created")
    for link in links:
        say(link)
    say(f"{len(links)} link(s): shown only now, keep them safe", err=True)
