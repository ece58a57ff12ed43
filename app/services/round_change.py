"""Change between two rounds of comparable questionnaire versions, per organisation and topic.

Read from the stored scores through :func:`app.services.cohort.round_profile` (the same
numbers, minimum group size, filters and cache as the dashboard), never by rescoring answers.
Per organisation of the (filtered) cohort and per dimension, area, index and the overall index
that both versions have: the earlier and the later mean and the change ``after - before``
(:func:`scoring.compare_rounds`), the change rounded by the project's one rounding rule
(:func:`scoring.round_score`, on the unrounded difference so rounding never compounds) and its
direction decided on that rounded value (``up``, ``down``, ``same``), so the number and the word
beside it agree. Topics of only one version are named with their reason (``not_in_before``,
``not_in_after``); a topic without a score in one round has no change (``missing_score``).

An organisation below the minimum group size of either round (each round's own minimum) shows
no number: "not enough responses". The cohort's mean change per topic is the mean of the
organisations' unrounded changes over those with a score in both rounds, then rounded.

Rounds are compared only when their versions are comparable (:func:`scoring.versions_comparable`,
``comparable_with``); otherwise :class:`RoundsNotComparable` (409) names the versions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from app.errors import NO_ROUND_ID, Conflict, InvalidInput, NotFound
from app.i18n import N_, Message
from app.models import Organisation, Project, Round, ScoreKind
from app.services import cohort, rounds
from app.services.responses import definition_of
from scoring import (
    Definition,
    DimensionChange,
    Incomparable,
    compare_rounds,
    round_score,
    versions_comparable,
)

PARTS = {
    ScoreKind.DIMENSION: "dimensions",
    ScoreKind.AREA: "areas",
    ScoreKind.INDEX: "indexes",
    ScoreKind.OVERALL: "overall",
}
"""Each kind of score and the part of a definition :func:`scoring.compare_rounds` compares."""
UP, DOWN, SAME = "up", "down", "same"

NOT_COMPARABLE_MESSAGE = N_(
    "The rounds %(before)s and %(after)s cannot be compared: their questionnaire versions "
    "(%(before_version)s and %(after_version)s) are not declared comparable."
)
SAME_ROUND_MESSAGE = N_("Choose an earlier round to compare with, not this round itself.")
NOT_EARLIER_MESSAGE = N_("The round %(before)s did not open before %(after)s.")
NO_EARLIER_MESSAGE = N_("The round %(after)s has no earlier round of a comparable version.")


class RoundsNotComparable(Conflict):
    """Two rounds whose questionnaire versions are not declared comparable (``comparable_with``):
    their scores are never set against each other."""

    type_slug = "rounds-not-comparable"


@dataclass(frozen=True)
class TopicChange:
    """One topic of one organisation: the unrounded means, the rounded change and its
    direction; ``change`` None with ``reason_code`` ``missing_score`` when a round has no score."""

    before: float | None
    after: float | None
    change: float | None
    direction: str | None
    reason_code: str | None = None


@dataclass(frozen=True)
class OrganisationChange:
    """One organisation; ``shown`` False below the minimum group size of either round (then
    ``topics`` is empty: no number)."""

    organisation: Organisation
    responses_before: int
    responses_after: int
    shown: bool
    topics: Mapping[ScoreKind, Mapping[str, TopicChange]]

    def changes(self, kind: ScoreKind) -> dict[str, float | None]:
        return {key: one.change for key, one in self.topics.get(kind, {}).items()}


@dataclass(frozen=True)
class CohortChange:
    """A topic's mean change over ``n`` organisations with a score in both rounds (rounded;
    None when ``n`` is 0), with the cohort means of those organisations before and after."""

    n: int
    before: float | None
    after: float | None
    change: float | None
    direction: str | None


@dataclass(frozen=True)
class RoundChange:
    """The change from ``before`` to ``after`` under ``filters``; ``organisations`` those shown
    first, each part in the order of the later round's profile (overall index, highest first)."""

    before: Round
    after: Round
    before_definition: Definition
    after_definition: Definition
    filters: cohort.Filters
    min_group_size_before: int
    min_group_size_after: int
    topics: Mapping[ScoreKind, tuple[str, ...]]
    """Per kind: the topics compared (in both versions), in the later version's order."""
    incomparable: Mapping[ScoreKind, Mapping[str, Incomparable]]
    """Per kind: the topics of only one version, with the reason."""
    organisations: tuple[OrganisationChange, ...]
    cohort: Mapping[ScoreKind, Mapping[str, CohortChange]]

    @property
    def shown(self) -> tuple[OrganisationChange, ...]:
        return tuple(one for one in self.organisations if one.shown)

    @property
    def empty(self) -> bool:
        """No submitted response in either round within the filters."""
        return not any(o.responses_before or o.responses_after for o in self.organisations)

    def find(self, organisation_id: int) -> OrganisationChange | None:
        return next((o for o in self.organisations if o.organisation.id == organisation_id), None)


def direction(change: float | None) -> str | None:
    """``up``, ``down`` or ``same`` for a rounded change; None without one."""
    if change is None:
        return None
    return UP if change > 0 else DOWN if change < 0 else SAME


def _start(round_: Round) -> tuple[datetime, int]:
    """When a round opened (its opening time, else its creation) and its id, to order rounds."""
    return (round_.opens_at or round_.created_at, round_.id or 0)


def earlier_rounds(session: Session, round_: Round) -> list[Round]:
    """The rounds of ``round_``'s project that opened before it with a comparable version,
    latest first."""
    definition = definition_of(session, round_)
    project = session.get(Project, round_.project_id)
    assert project is not None
    found = [
        other
        for other in rounds.list_rounds(session, project)
        if _start(other) < _start(round_)
        and versions_comparable(definition_of(session, other), definition)
    ]
    return sorted(found, key=_start, reverse=True)


def previous_round(session: Session, round_: Round) -> Round | None:
    """The latest round of the same project, with a comparable questionnaire version, that
    opened before ``round_`` (opening time, else creation time); None if there is none."""
    found = earlier_rounds(session, round_)
    return found[0] if found else None


def round_change(
    session: Session,
    project: Project,
    before: Round | None,
    after: Round,
    chosen: cohort.Filters | None = None,
) -> RoundChange:
    """The change from ``before`` (None: :func:`previous_round`) to ``after``, both rounds of
    ``project`` (see the module's description). For one organisation, pass
    ``cohort.filters(organisations=[id])`` and read :meth:`RoundChange.find`.

    :class:`NotFound` when ``before`` is None and there is no earlier comparable round, or a
    round is not in ``project``; :class:`InvalidInput` (field ``before``) for the same round
    twice or a ``before`` that did not open earlier; :class:`RoundsNotComparable` for versions
    not declared comparable.
    """
    chosen = chosen or cohort.Filters()
    for one in (before, after):
        if one is not None and one.project_id != project.id:
            raise NotFound(Message(NO_ROUND_ID, id=str(one.id)), round_id=one.id)
    if before is None:
        before = previous_round(session, after)
        if before is None:
            raise NotFound(Message(NO_EARLIER_MESSAGE, after=after.name))
    _check_order(before, after)
    old, new = definition_of(session, before), definition_of(session, after)
    if not versions_comparable(old, new):
        raise RoundsNotComparable(
            Message(
                NOT_COMPARABLE_MESSAGE,
                before=before.name,
                after=after.name,
                before_version=f"{old.slug} {old.version}",
                after_version=f"{new.slug} {new.version}",
            ),
            field="before",
        )
    earlier = cohort.round_profile(session, project, before, chosen)
    later = cohort.round_profile(session, project, after, chosen)
    by_id = {one.organisation.id: one for one in earlier.organisations}
    compared: dict[ScoreKind, list[str]] = {}
    incomparable: dict[ScoreKind, dict[str, Incomparable]] = {}
    for kind, part in PARTS.items():
        sample = compare_rounds(old, {}, new, {}, part=part)
        compared[kind] = [
            key for key in cohort.Targets.of(new).of_kind(kind) if key in sample.changes
        ]
        incomparable[kind] = dict(sample.incomparable)
    organisations = []
    for profile in later.organisations:
        past = by_id.get(profile.organisation.id)
        count_before = past.responses if past is not None else 0
        shown = past is not None and past.shown and profile.shown
        topics: dict[ScoreKind, dict[str, TopicChange]] = {}
        if shown:
            assert past is not None
            for kind, part in PARTS.items():
                found = compare_rounds(old, past.means(kind), new, profile.means(kind), part=part)
                topics[kind] = {key: _topic(found.changes[key]) for key in compared[kind]}
        organisations.append(
            OrganisationChange(profile.organisation, count_before, profile.responses, shown, topics)
        )
    return RoundChange(
        before=before,
        after=after,
        before_definition=old,
        after_definition=new,
        filters=chosen,
        min_group_size_before=earlier.min_group_size,
        min_group_size_after=later.min_group_size,
        topics={kind: tuple(keys) for kind, keys in compared.items()},
        incomparable=incomparable,
        organisations=tuple(sorted(organisations, key=lambda one: not one.shown)),
        cohort={kind: _cohort(organisations, kind, compared[kind]) for kind in PARTS},
    )


def _check_order(before: Round, after: Round) -> None:
    if before.id == after.id:
        raise InvalidInput(Message(SAME_ROUND_MESSAGE), field="before")
    if not _start(before) < _start(after):
        raise InvalidInput(
            Message(NOT_EARLIER_MESSAGE, before=before.name, after=after.name), field="before"
        )


def _topic(found: DimensionChange) -> TopicChange:
    rounded = round_score(found.change)
    return TopicChange(found.before, found.after, rounded, direction(rounded), found.reason_code)


def _cohort(
    organisations: list[OrganisationChange], kind: ScoreKind, keys: list[str]
) -> dict[str, CohortChange]:
    found = {}
    for key in keys:
        pairs = [
            (one.before, one.after)
            for organisation in organisations
            if organisation.shown
            for one in (organisation.topics[kind][key],)
            if one.before is not None and one.after is not None
        ]
        if not pairs:
            found[key] = CohortChange(0, None, None, None, None)
            continue
        n = len(pairs)
        change = round_score(math.fsum(a - b for b, a in pairs) / n)
        found[key] = CohortChange(
            n,
            math.fsum(b for b, _a in pairs) / n,
            math.fsum(a for _b, a in pairs) / n,
            change,
            direction(change),
        )
    return found
