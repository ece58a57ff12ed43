"""``radar rounds``: create, list and close assessment rounds.

Dates on the command line are calendar days in UTC (``radar tokens`` reads its days in the
service's time zone). A closing or expiry date means the *end* of that day (``--closes
2027-01-31`` still accepts answers on 31 January), an opening date its start; a full ISO time
(``2027-01-31T12:00``) is taken as given.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer

from app import limits, times
from app.cli.common import fail, read_session, read_text_file, say, say_row, write_session
from app.errors import InvalidInput
from app.models import Round
from app.services import projects, rounds
from scoring import shorten

app = typer.Typer(help="Assessment rounds of a project.", no_args_is_help=True)


def parse_moment(
    option: str, value: str | None, *, end_of_day: bool, time_zone: str = "UTC"
) -> datetime | None:
    """A command-line date or time as an aware datetime; a bad value exits with one line.

    A date or a time without an offset is read in ``time_zone``; with ``end_of_day`` a bare
    date means the end of that day there (:func:`app.times.end_of_day`: valid through it,
    shown again with :func:`app.times.last_day`). Years 2000 to 2999 only
    (:func:`app.limits.moment`), checked before the end of the day is added, so that no date
    overflows.
    """
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise fail(f"{option}: {shorten(value)} is not a date such as 2027-01-31") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=times.zone(time_zone))
    try:
        limits.moment(moment, option)
    except InvalidInput as exc:
        raise fail(exc.detail) from None
    if end_of_day and len(value) == len("2027-01-31"):
        return times.end_of_day(moment.date(), time_zone)
    return moment


@app.command()
def create(
    project: str = typer.Argument(..., help="Project slug"),
    name: str = typer.Argument(..., help="Round name, e.g. 'Baseline 2026'"),
    questionnaire: str = typer.Option(..., help="Questionnaire slug"),
    version: str = typer.Option(..., help="Published questionnaire version, e.g. 1.0"),
    opens: str | None = typer.Option(None, help="First day answers are accepted (UTC)"),
    closes: str | None = typer.Option(None, help="Last day answers are accepted (UTC)"),
    anonymous: bool = typer.Option(False, help="Store nothing that links answers to a person"),
    privacy_notice: Path | None = typer.Option(
        None, exists=True, dir_okay=False, help="Text file shown to respondents before answering"
    ),
    notice_version: str = typer.Option("1", help="Version of the privacy notice"),
) -> None:
    """Create a round of a published questionnaire version."""
    opens_at = parse_moment("--opens", opens, end_of_day=False)
    closes_at = parse_moment("--closes", closes, end_of_day=True)
    notice = (
        read_text_file("--privacy-notice", privacy_notice, limits.max_length(Round.privacy_notice))
        if privacy_notice
        else ""
    )
    with write_session() as session:
        found = projects.get_project_by_slug(session, project)
        created = rounds.create_round(
            session,
            found,
            questionnaire,
            version,
            name,
            opens_at=opens_at,
            closes_at=closes_at,
            anonymous=anonymous,
            privacy_notice=notice,
            notice_version=notice_version,
        )
    say(f"round {created.name!r} of {questionnaire} {version} created in {found.slug}")


@app.command("list")
def list_(project: str = typer.Argument(..., help="Project slug")) -> None:
    """List a project's rounds: name, questionnaire version, state."""
    with read_session() as session:
        found = projects.get_project_by_slug(session, project)
        for round_ in rounds.list_rounds(session, found):
            version = rounds.version_of(session, round_)
            state = rounds.round_state(round_).value
            say_row(round_.name, version.version, state)


@app.command()
def close(
    project: str = typer.Argument(..., help="Project slug"),
    name: str = typer.Argument(..., help="Round name"),
) -> None:
    """Close a round now: its links stop accepting answers; results stay."""
    with write_session() as session:
        round_ = rounds.get_round(session, projects.get_project_by_slug(session, project), name)
        rounds.close_round(session, round_)
    say(f"round {name!r} closed")


@app.command()
def anonymity(
    project: str = typer.Argument(..., help="Project slug"),
    name: str = typer.Argument(..., help="Round name"),
    anonymous: bool = typer.Option(..., "--anonymous/--named", help="The round's new setting"),
) -> None:
    """Make a round anonymous or named; only possible while it has no responses."""
    with write_session() as session:
        round_ = rounds.get_round(session, projects.get_project_by_slug(session, project), name)
        rounds.set_anonymous(session, round_, anonymous)
    say(f"round {name!r} is {'anonymous' if anonymous else 'named'}")
