"""``radar invitations``: see a round's links, revoke one that leaked or is no longer wanted,
and give the respondent of a single-use link a new personal link.

Links themselves cannot be shown again (only their hashes are stored); the list shows each
link's number, organisation, group, kind, uses, expiry and label.
"""

from __future__ import annotations

from datetime import datetime

import typer

from app import times
from app.cli.common import public_links, read_session, say, say_row, write_session
from app.db_types import utcnow
from app.services import audit, invitations, projects, respondent_links, rounds
from app.settings import get_settings

app = typer.Typer(help="Invitation links of a round.", no_args_is_help=True)


def _day(moment: datetime | None) -> str:
    """The last day a link works, in the service's time zone (as ``--expires`` of ``radar
    invite`` reads it and pages show it)."""
    return times.last_day(moment, get_settings().time_zone).isoformat() if moment else "-"


@app.command("list")
def list_(
    project: str = typer.Argument(..., help="Project slug"),
    round_name: str = typer.Argument(..., metavar="ROUND", help="Round name"),
) -> None:
    """One line per link: number, organisation, group, kind, uses, expiry, state, label."""
    now = utcnow()
    with read_session() as session:
        found = projects.get_project_by_slug(session, project)
        round_ = rounds.get_round(session, found, round_name)
        names = {o.id: o.name for o in projects.list_organisations(session, found)}
        for invitation in invitations.list_invitations(session, round_):
            kind = "multi-use" if invitation.multi_use else "single-use"
            fields = [
                str(invitation.number),
                names.get(invitation.organisation_id, "?"),
                invitation.stakeholder_group or "-",
                kind,
                f"{invitation.use_count} use(s)",
                f"expires {_day(invitation.expires_at)}",
                invitations.link_state(invitation, now),
            ]
            say_row(*fields, *([invitation.label] if invitation.label else []))


@app.command()
def revoke(
    project: str = typer.Argument(..., help="Project slug"),
    round_name: str = typer.Argument(..., metavar="ROUND", help="Round name"),
    number: int = typer.Argument(..., help="The link's number from `radar invitations list`"),
) -> None:
    """Make a link unusable from now on; responses already started with it stay."""
    with write_session() as session:
        round_ = rounds.get_round(
            session, projects.get_project_by_slug(session, project), round_name
        )
        invitations.revoke(session, invitations.get_invitation(session, round_, number))
    say(f"invitation {number} revoked")


@app.command("new-link")
def new_link(
    project: str = typer.Argument(..., help="Project slug"),
    round_name: str = typer.Argument(..., metavar="ROUND", help="Round name"),
    number: int = typer.Argument(..., help="The link's number from `radar invitations list`"),
) -> None:
    """A new personal link for the unsubmitted response started with this link (when the
    respondent lost theirs or it leaked): the old personal link stops working."""
    settings = get_settings()
    with write_session() as session:
        round_ = rounds.get_round(
            session, projects.get_project_by_slug(session, project), round_name
        )
        invitation = invitations.get_invitation(session, round_, number)
        token = respondent_links.replace_for_invitation(
            session, invitation, respondent_links.link_policy(settings), actor=audit.OPERATOR
        )
    say(public_links(settings)("respond.resume", token=token))
    say(
        "the previous personal link no longer works; give this one only to the respondent", err=True
    )
