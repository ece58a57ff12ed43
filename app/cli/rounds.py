"""``radar rounds``: create, list, extend, close and reopen assessment rounds.

Dates on the command line are calendar days in the service's time zone (setting
``time_zone``, :mod:`app.times`), as on the pages and for ``radar tokens`` and ``radar invite``:
one rule for every day typed anywhere. A closing or expiry date means the *end* of that day
(``--closes 2027-01-31`` still accepts answers on 31 January, and the round's page shows
31 January), an opening date its start; a time without an offset (``2027-01-31T12:00``) is a
time in that zone, one with an offset is taken as given.

``create`` takes a data-protection notice per language (``--notice de=notice-de.txt``,
repeatable) and stakeholder groups with labels per language (``--group
"civil-society:de=Zivilgesellschaft,en=Civil society"``, repeatable; a label may hold a comma
unless a language code and ``=`` follow it).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import typer

from app import limits, times
from app.cli.common import fail, read_session, read_text_file, say, say_row, write_session
from app.errors import InvalidInput
from app.services import projects, rounds
from app.services.rounds import StakeholderGroup
from app.settings import get_settings
from scoring import shorten

app = typer.Typer(help="Assessment rounds of a project.", no_args_is_help=True)

_NEXT_LABEL = re.compile(r",(?=[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*=)")
"""Where a group's labels split: a comma followed by ``LANG=``."""


def parse_moment(
    option: str, value: str | None, *, end_of_day: bool, time_zone: str | None = None
) -> datetime | None:
    """A command-line date or time as an aware datetime; a bad value exits with one line.

    A date or a time without an offset is read in ``time_zone`` (None: the service's, as
    pages read days); with ``end_of_day`` a bare
    date means the end of that day there (:func:`app.times.end_of_day`: valid through it,
    shown again with :func:`app.times.last_day`). Years 2000 to 2999 only
    (:func:`app.limits.moment`), checked before the end of the day is added, so that no date
    overflows.
    """
    if value is None:
        return None
    time_zone = time_zone or get_settings().time_zone
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


def parse_notices(values: list[str]) -> dict[str, str]:
    """``--notice LANG=FILE`` values as ``{language: text}``; a bad value exits with one line
    (the languages themselves the service checks against the questionnaire)."""
    notices: dict[str, str] = {}
    for value in values:
        language, sep, file = value.partition("=")
        if not sep or not language or not file:
            raise fail(f"--notice: {shorten(value)} is not LANG=FILE, such as de=notice-de.txt")
        if language in notices:
            raise fail(f"--notice: {shorten(language)} is given twice")
        notices[language] = read_text_file(
            f"--notice {shorten(language)}", Path(file), rounds.NOTICE_LENGTH
        )
    return notices


def parse_group(value: str) -> StakeholderGroup:
    """A ``--group KEY[:LANG=LABEL,...]`` value; a bad one exits with one line.

    >>> parse_group("civil-society:de=Zivilgesellschaft,en=Civil society, NGOs").labels
    {'de': 'Zivilgesellschaft', 'en': 'Civil society, NGOs'}
    """
    key, _sep, rest = value.partition(":")
    labels: dict[str, str] = {}
    for part in _NEXT_LABEL.split(rest) if rest else []:
        language, sep, label = part.partition("=")
        if not sep or not language.strip():
            raise fail(
                f"--group: {shorten(value)} is not KEY:LANG=LABEL,LANG=LABEL, such as "
                "civil-society:de=Zivilgesellschaft,en=Civil society"
            )
        if language.strip() in labels:
            raise fail(f"--group {shorten(key)}: the label in {shorten(language)} is given twice")
        labels[language.strip()] = label
    return StakeholderGroup(key.strip(), labels)


@app.command()
def create(
    project: str = typer.Argument(..., help="Project slug"),
    name: str = typer.Argument(..., help="Round name, e.g. 'Baseline 2026'"),
    questionnaire: str = typer.Option(..., help="Questionnaire slug"),
    version: str = typer.Option(..., help="Published questionnaire version, e.g. 1.0"),
    opens: str | None = typer.Option(
        None, help="First day answers are accepted (in the service's time zone)"
    ),
    closes: str | None = typer.Option(
        None, help="Last day answers are accepted (in the service's time zone)"
    ),
    anonymous: bool = typer.Option(False, help="Store nothing that links answers to a person"),
    privacy_notice: Path | None = typer.Option(
        None,
        exists=True,
        dir_okay=False,
        help="Text file shown to respondents before answering, in the questionnaire's "
        "default language",
    ),
    notice: list[str] = typer.Option(
        [], help="LANG=FILE: the data-protection notice in one language (repeatable)"
    ),
    notice_version: str = typer.Option("1", help="Version of the privacy notice"),
    min_group_size: int | None = typer.Option(
        None, help="Smallest group an aggregate shows (default: the project's)"
    ),
    group: list[str] = typer.Option(
        [],
        help="Stakeholder group KEY[:LANG=LABEL,LANG=LABEL], e.g. "
        "'civil-society:de=Zivilgesellschaft,en=Civil society' (repeatable)",
    ),
) -> None:
    """Create a round of a published questionnaire version."""
    opens_at = parse_moment("--opens", opens, end_of_day=False)
    closes_at = parse_moment("--closes", closes, end_of_day=True)
    default_notice = (
        read_text_file("--privacy-notice", privacy_notice, rounds.NOTICE_LENGTH)
        if privacy_notice
        else ""
    )
    notices = parse_notices(notice)
    groups = [parse_group(value) for value in group]
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
            privacy_notice=default_notice,
            privacy_notices=notices,
            notice_version=notice_version,
            min_group_size=min_group_size,
            stakeholder_groups=groups,
        )
    say(f"round {created.name!r} of {questionnaire} {version} created in {found.slug}")


@app.command("list")
def list_(project: str = typer.Argument(..., help="Project slug")) -> None:
    """List a project's rounds: name, questionnaire version, state, closing day (the last day
    answers are accepted, in the service's time zone, as the round's page shows it)."""
    time_zone = get_settings().time_zone
    with read_session() as session:
        found = projects.get_project_by_slug(session, project)
        for round_ in rounds.list_rounds(session, found):
            version = rounds.version_of(session, round_)
            state = rounds.round_state(round_).value
            closes = round_.closes_at
            last = "-" if closes is None else times.closing_day(closes, time_zone).isoformat()
            say_row(round_.name, version.version, state, f"closes {last}")


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


@app.command()
def extend(
    project: str = typer.Argument(..., help="Project slug"),
    name: str = typer.Argument(..., help="Round name"),
    closes: str = typer.Option(
        ..., help="The new last day answers are accepted (in the service's time zone)"
    ),
) -> None:
    """Give an open or not yet open round a later closing date."""
    closes_at = parse_moment("--closes", closes, end_of_day=True)
    assert closes_at is not None
    with write_session() as session:
        round_ = rounds.get_round(session, projects.get_project_by_slug(session, project), name)
        rounds.extend_round(session, round_, closes_at)
    last = times.closing_day(closes_at, get_settings().time_zone).isoformat()
    say(f"round {name!r} now accepts answers until the end of {last}")


@app.command()
def reopen(
    project: str = typer.Argument(..., help="Project slug"),
    name: str = typer.Argument(..., help="Round name"),
    reason: str = typer.Option(..., help="Why the round accepts answers again (audit log)"),
    closes: str | None = typer.Option(
        None,
        help="A new last day (in the service's time zone); needed when the closing day has passed",
    ),
) -> None:
    """Accept answers again in a closed round; the reason is recorded in the audit log."""
    closes_at = parse_moment("--closes", closes, end_of_day=True)
    with write_session() as session:
        round_ = rounds.get_round(session, projects.get_project_by_slug(session, project), name)
        rounds.reopen_round(session, round_, reason, closes_at=closes_at)
    say(f"round {name!r} reopened")
