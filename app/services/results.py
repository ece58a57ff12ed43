"""A respondent's own result: their profile, recommendations for their weak dimensions and,
once enough people of the organisation have submitted, the organisation's aggregate.

The aggregate never reveals a small group: below the round's minimum group size it is
withheld and only the count is given, so that nobody can read a colleague's answers off it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Select, case, select
from sqlmodel import Session, col

from app.models import (
    Organisation,
    Project,
    Response,
    ResponseScore,
    ResponseStatus,
    Round,
    ScoreKind,
)
from app.services import aggregate_cache, rounds
from app.services.responses import Context
from scoring import (
    Definition,
    GroupScore,
    Profile,
    aggregate_columns,
    recommendations,
    score_response,
)


@dataclass(frozen=True)
class GroupResult:
    """The organisation's submitted responses in this round, aggregated when there are enough."""

    count: int
    min_group_size: int
    dimensions: Mapping[str, GroupScore] | None

    @property
    def shown(self) -> bool:
        return self.dimensions is not None

    @property
    def means(self) -> dict[str, float | None]:
        return {key: group.mean for key, group in (self.dimensions or {}).items()}

    @property
    def disagreements(self) -> tuple[str, ...]:
        return tuple(key for key, group in (self.dimensions or {}).items() if group.disagreement)


@dataclass(frozen=True)
class OwnResult:
    profile: Profile
    recommendations: Mapping[str, list[str]]
    group: GroupResult


PROFILES_KEPT = 1024
"""Profiles of submitted responses kept per definition (then the map starts again)."""


def _new_profiles(definition: Definition) -> dict[tuple[str, int], Profile]:
    return {}


def own_profile(context: Context) -> Profile:
    """The response's profile, scored from its answers. A submitted response's profile is
    kept with the definition it was scored by (:meth:`~scoring.Definition.derived`) under its
    public id (random, never reused) and revision (raised by every write of its answers,
    :mod:`app.services.responses`): the result page, its downloads and later visits score it
    once. A draft is scored each time."""
    response, definition = context.response, context.definition
    if not context.submitted:
        return score_response(definition, dict(response.answers))
    kept = definition.derived("kept-profiles", _new_profiles)
    key = (response.public_id, response.revision)
    profile = kept.get(key)
    if profile is None:
        profile = score_response(definition, dict(response.answers))
        if len(kept) >= PROFILES_KEPT:
            kept.clear()
        kept[key] = profile
    return profile


def own_result(session: Session, context: Context, language: str) -> OwnResult:
    profile = own_profile(context)
    return OwnResult(
        profile=profile,
        recommendations=recommendations(context.definition, profile, language),
        group=organisation_group(session, context),
    )


def organisation_scores(
    round_id: int, organisation_id: int, keys: Sequence[str]
) -> Select[int, int | None, float | None]:
    """The dimension scores of an organisation's submitted responses in a round: response id,
    the dimension's position in ``keys`` (None for another id) and the score. Planned as: the
    organisation's submitted responses from ``ix_response_aggregate``, then each one's scores
    from ``ix_response_score_aggregate`` alone (a test checks the plan on both databases)."""
    position = case({key: index for index, key in enumerate(keys)}, value=ResponseScore.target_id)
    return (
        select(col(ResponseScore.response_id), position, col(ResponseScore.score))
        .join(Response, col(Response.id) == col(ResponseScore.response_id))
        .where(
            col(Response.round_id) == round_id,
            col(Response.organisation_id) == organisation_id,
            col(Response.status) == ResponseStatus.SUBMITTED.value,
            # `kind || ''` keeps the planner off the score table's `kind` index: without
            # statistics SQLite would read every dimension score of the database through it and
            # look each response up; so the response index leads, whatever ANALYZE knows
            col(ResponseScore.kind).concat("") == ScoreKind.DIMENSION.value,
        )
    )


def organisation_group(session: Session, context: Context) -> GroupResult:
    """The organisation's aggregate in this round (own response included)."""
    return group_of(
        session, context.round, context.organisation, context.project, context.definition
    )


def group_of(
    session: Session,
    round_: Round,
    organisation: Organisation,
    project: Project,
    definition: Definition,
) -> GroupResult:
    """An organisation's aggregate in a round, withheld below the round's minimum group size
    (the project's unless the round sets its own: :func:`app.services.rounds.min_group_size_of`).

    Read from the scores stored at submission, never by rescoring every response on a page
    view (see docs/performance.md); ``radar scores rebuild`` refreshes them after a rule change.
    Kept by :mod:`app.services.aggregate_cache` while the organisation's submitted responses
    and the stored scores are unchanged; otherwise computed by :func:`compute_group`.
    """
    round_id, organisation_id = round_.id, organisation.id
    assert round_id is not None
    assert organisation_id is not None
    minimum = rounds.min_group_size_of(round_, project)
    keys = [dimension.id for dimension in definition.dimensions]
    key = (round_id, organisation_id, minimum)  # a round is pinned to one version
    return aggregate_cache.remember(
        key,
        aggregate_cache.fingerprint(session, round_id, organisation_id),
        lambda: compute_group(session, round_id, organisation_id, minimum, keys),
    )


def compute_group(
    session: Session, round_id: int, organisation_id: int, minimum: int, keys: Sequence[str]
) -> GroupResult:
    """The aggregate from the stored scores: one query, planned on the indexes of migration
    0003 whatever the table statistics say, its dimension ids mapped to numbers in SQL and
    summarised as numpy columns."""
    rows = (
        session.connection()  # plain rows: the ORM's per-row work would cost more than the sums
        .execute(organisation_scores(round_id, organisation_id, keys))
        .all()
    )
    if not rows:
        return GroupResult(0, minimum, None)
    response_ids, positions, scores = zip(*rows, strict=True)
    count = len(set(response_ids))
    if count < minimum:
        return GroupResult(count, minimum, None)
    where = np.array(positions, dtype=np.float64)  # NULL (an unknown dimension) -> nan
    values = np.array(scores, dtype=np.float64)  # NULL (no score) -> nan
    scored = ~np.isnan(values)
    columns = {key: values[scored & (where == index)] for index, key in enumerate(keys)}
    return GroupResult(count, minimum, aggregate_columns(columns, count, min_group_size=minimum))
