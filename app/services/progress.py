"""A round's progress: who was invited and how far their respondents got, counted in the
database (two grouped queries, whatever the number of links and responses).

Per organisation and stakeholder group (:class:`GroupProgress`): links handed out (not
revoked) and their uses, responses opened (consent given: a response row exists), started
(drafts) and submitted, the last activity, and whether the submissions reach the round's
minimum group size. A use is counted when a respondent starts with a link, so "uses" is never
a count of submissions: a draft is a use and not a submission.

Counts reveal no answers, so they are shown whatever the group size; organisations without
any link or response are listed with zeros, so a facilitator sees who has not started. The
last activity of an anonymous round is a day only (:mod:`app.times`): responses store no
more.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.i18n import N_
from app.models import Invitation, Organisation, Project, Response, ResponseStatus, Round
from app.services import rounds


class Status(StrEnum):
    """What the progress page can filter rows by."""

    NOT_OPENED = "not-opened"
    STARTED = "started"
    BELOW_MINIMUM = "below-minimum"
    REACHED = "reached"


STATUS_LABELS = {
    Status.NOT_OPENED: N_("nobody has opened a link yet"),
    Status.STARTED: N_("drafts not yet submitted"),
    Status.BELOW_MINIMUM: N_("below the minimum group size"),
    Status.REACHED: N_("minimum group size reached"),
}


@dataclass(frozen=True)
class GroupProgress:
    """One organisation and stakeholder group (``group`` None: links and responses without
    one); every count is a number of links, uses or responses."""

    organisation_id: int
    organisation: str
    group: str | None
    minimum: int
    links: int = 0
    uses: int = 0
    started: int = 0
    submitted: int = 0
    last_activity: datetime | None = None
    languages: tuple[tuple[str, int], ...] = ()
    """Responses begun per language (code, count), by code: the language each respondent
    chose, as exports carry it."""

    @property
    def opened(self) -> int:
        """Responses begun (consent given), whether submitted or not."""
        return self.started + self.submitted

    @property
    def reached(self) -> bool:
        """Whether the submissions reach the minimum group size (results may be shown)."""
        return self.submitted >= self.minimum

    def has(self, status: Status) -> bool:
        return {
            Status.NOT_OPENED: self.opened == 0,
            Status.STARTED: self.started > 0,
            Status.BELOW_MINIMUM: not self.reached,
            Status.REACHED: self.reached,
        }[status]


@dataclass(frozen=True)
class RoundOverview:
    """The rows (filtered as asked) and the totals of the whole round."""

    rows: list[GroupProgress]
    totals: GroupProgress
    day_only: bool
    groups: list[str] = field(default_factory=list)


def minimum_group_size(session: Session, round_: Round) -> int:
    """The number of submissions a group needs before results are shown (the round's own,
    else the project's)."""
    project = session.get(Project, round_.project_id)
    assert project is not None
    return rounds.min_group_size_of(round_, project)


def round_overview(
    session: Session,
    round_: Round,
    *,
    organisation_id: int | None = None,
    group: str | None = None,
    status: Status | None = None,
) -> RoundOverview:
    """Progress per organisation and group, by organisation name and group (no group first).

    ``organisation_id``, ``group`` (a group key; "" for rows without a group) and ``status``
    keep only matching rows; the totals always cover the whole round. ``groups`` lists every
    group key the round's links and responses carry, for a filter's choices.
    """
    minimum = minimum_group_size(session, round_)
    organisations = session.exec(
        select(Organisation)
        .where(Organisation.project_id == round_.project_id)
        .order_by(col(Organisation.name), col(Organisation.id))
    ).all()
    names = {row.id or 0: row.name for row in organisations}
    rows: dict[tuple[int, str | None], GroupProgress] = {}

    def row(organisation: int, key: str | None) -> GroupProgress:
        return rows.get(
            (organisation, key), GroupProgress(organisation, names[organisation], key, minimum)
        )

    linked = session.exec(
        select(
            Invitation.organisation_id,
            Invitation.stakeholder_group,
            func.sum(case((col(Invitation.revoked_at).is_(None), 1), else_=0)),
            func.sum(Invitation.use_count),
        )
        .where(Invitation.round_id == round_.id)
        .group_by(col(Invitation.organisation_id), col(Invitation.stakeholder_group))
    ).all()
    for organisation, key, links, uses in linked:
        rows[(organisation, key)] = replace(
            row(organisation, key), links=int(links or 0), uses=int(uses or 0)
        )
    submitted = col(Response.status) == ResponseStatus.SUBMITTED.value
    answered = session.execute(  # five columns: SQLAlchemy's select (SQLModel's stops at four)
        sa_select(
            col(Response.organisation_id),
            col(Response.stakeholder_group),
            func.sum(case((submitted, 1), else_=0)),
            func.sum(case((submitted, 0), else_=1)),
            func.max(Response.updated_at),
        )
        .where(col(Response.round_id) == round_.id)
        .group_by(col(Response.organisation_id), col(Response.stakeholder_group))
    ).all()
    for organisation, key, done, drafts, last in answered:
        before = row(organisation, key)
        rows[(organisation, key)] = replace(
            before, submitted=int(done), started=int(drafts), last_activity=last
        )
    spoken = session.exec(
        select(
            Response.organisation_id,
            Response.stakeholder_group,
            Response.language,
            func.count(),
        )
        .where(Response.round_id == round_.id)
        .group_by(
            col(Response.organisation_id),
            col(Response.stakeholder_group),
            col(Response.language),
        )
    ).all()
    for organisation, key, language, count in spoken:
        before = row(organisation, key)
        rows[(organisation, key)] = replace(
            before, languages=_merged(before.languages, ((language, int(count)),))
        )
    for organisation in names:
        if not any(key[0] == organisation for key in rows):
            rows[(organisation, None)] = row(organisation, None)
    order = {identifier: place for place, identifier in enumerate(names)}
    every = sorted(rows.values(), key=lambda r: (order[r.organisation_id], r.group or ""))
    chosen = [
        r
        for r in every
        if (organisation_id is None or r.organisation_id == organisation_id)
        and (group is None or (r.group or "") == group)
        and (status is None or r.has(status))
    ]
    return RoundOverview(
        rows=chosen,
        totals=_total(every, minimum),
        day_only=round_.anonymous,
        groups=sorted({r.group for r in every if r.group}),
    )


def _merged(
    first: tuple[tuple[str, int], ...], second: tuple[tuple[str, int], ...]
) -> tuple[tuple[str, int], ...]:
    counts = dict(first)
    for language, count in second:
        counts[language] = counts.get(language, 0) + count
    return tuple(sorted(counts.items()))


def _later(first: datetime | None, second: datetime | None) -> datetime | None:
    return max((m for m in (first, second) if m is not None), default=None)


def _total(rows: Iterable[GroupProgress], minimum: int) -> GroupProgress:
    total = GroupProgress(0, "", None, minimum)
    for r in rows:
        total = replace(
            total,
            links=total.links + r.links,
            uses=total.uses + r.uses,
            started=total.started + r.started,
            submitted=total.submitted + r.submitted,
            last_activity=_later(total.last_activity, r.last_activity),
            languages=_merged(total.languages, r.languages),
        )
    return total


@dataclass(frozen=True)
class OrganisationProgress:
    organisation_id: int
    name: str
    drafts: int
    submitted: int


def round_progress(session: Session, round_: Round) -> list[OrganisationProgress]:
    """Every organisation of the round's project by name, with its drafts and submissions
    (the groups of :func:`round_overview` added up; the JSON API's progress)."""
    summed: dict[int, OrganisationProgress] = {}
    for r in round_overview(session, round_).rows:
        before = summed.get(
            r.organisation_id, OrganisationProgress(r.organisation_id, r.organisation, 0, 0)
        )
        summed[r.organisation_id] = replace(
            before, drafts=before.drafts + r.started, submitted=before.submitted + r.submitted
        )
    return list(summed.values())
