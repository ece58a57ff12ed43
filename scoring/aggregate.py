"""An organisation's aggregate over the responses of its stakeholders.

Per dimension (and area, index, overall): n, mean, median, SD, min, max and the agreement
r_wg (see :func:`scoring.stats.agreement`). Where agreement falls below ``disagreement_below``
the dimension is flagged: the stakeholders see it differently, which is worth a conversation
before anybody acts on the mean.

Anonymity: an aggregate that others may see must not reveal one person's answers. A score
summarised from fewer than ``min_group_size`` responses (default 3) is withheld: its
statistics are None and the reason says why. Pass ``min_group_size=1`` where the viewer may
see everything anyway.

>>> a = aggregate_scores([{"d": 40.0}, {"d": 60.0}, {"d": None}], min_group_size=2)
>>> a["d"].n, a["d"].mean, a["d"].withheld
(2, 50.0, False)
>>> aggregate_scores([{"d": 40.0}, {"d": 60.0}])["d"].reason
'withheld: 2 responses, at least 3 are needed'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scoring.profile import Profile
from scoring.stats import SegmentSummaries, Summary, Values, summarise

MIN_GROUP_SIZE = 3
DISAGREEMENT_BELOW = 0.5
GROUP_TOO_SMALL = "group_too_small"

Scores = Mapping[str, float | None]


@dataclass(frozen=True)
class GroupScore(Summary):
    """The summary of one score over a group; statistics are None when withheld."""

    disagreement: bool
    withheld: bool
    reason_code: str | None
    reason: str | None


@dataclass(frozen=True)
class OrganisationAggregate:
    """The aggregate of one organisation's responses to one questionnaire version."""

    responses: int
    min_group_size: int
    dimensions: Mapping[str, GroupScore]
    areas: Mapping[str, GroupScore]
    indexes: Mapping[str, GroupScore]
    overall: GroupScore
    disagreements: tuple[str, ...]
    """Dimensions whose stakeholders disagree strongly."""

    def dimension_means(self) -> dict[str, float | None]:
        """Dimension id -> mean (None when withheld), the input of cohort comparisons."""
        return {key: value.mean for key, value in self.dimensions.items()}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "responses": self.responses,
            "min_group_size": self.min_group_size,
            "dimensions": {k: vars(v).copy() for k, v in self.dimensions.items()},
            "areas": {k: vars(v).copy() for k, v in self.areas.items()},
            "indexes": {k: vars(v).copy() for k, v in self.indexes.items()},
            "overall": vars(self.overall).copy(),
            "disagreements": list(self.disagreements),
        }


def aggregate_scores(
    responses: Sequence[Scores],
    keys: Sequence[str] | None = None,
    *,
    min_group_size: int = MIN_GROUP_SIZE,
    disagreement_below: float = DISAGREEMENT_BELOW,
) -> dict[str, GroupScore]:
    """Summarise each key's scores over responses (key -> score or None) into a group score."""
    if keys is None:
        keys = list(dict.fromkeys(key for scores in responses for key in scores))
    columns = {
        key: [v for v in (scores.get(key) for scores in responses) if v is not None] for key in keys
    }
    return aggregate_columns(
        columns,
        len(responses),
        min_group_size=min_group_size,
        disagreement_below=disagreement_below,
    )


def aggregate_columns(
    columns: Mapping[str, Values],
    responses: int,
    *,
    min_group_size: int = MIN_GROUP_SIZE,
    disagreement_below: float = DISAGREEMENT_BELOW,
) -> dict[str, GroupScore]:
    """:func:`aggregate_scores` from each key's scores as one column (a response without a
    score for the key left out) and the number of ``responses``: the form stored scores are
    read in, without a dict per response.

    >>> a = aggregate_columns({"d": [40.0, 60.0]}, responses=3, min_group_size=2)
    >>> a["d"].n, a["d"].mean
    (2, 50.0)
    """
    if min_group_size < 1:
        raise ValueError(f"min_group_size must be at least 1, got {min_group_size}")
    return {
        key: _group_score(values, responses, min_group_size, disagreement_below)
        for key, values in columns.items()
    }


def aggregate_organisation(
    profiles: Sequence[Profile],
    *,
    min_group_size: int = MIN_GROUP_SIZE,
    disagreement_below: float = DISAGREEMENT_BELOW,
) -> OrganisationAggregate:
    """Aggregate the profiles of one organisation's responses (all of one version)."""
    versions = {(p.slug, p.version) for p in profiles}
    if len(versions) > 1:
        raise ValueError(f"profiles of different questionnaire versions: {sorted(versions)}")
    options: dict[str, Any] = {
        "min_group_size": min_group_size,
        "disagreement_below": disagreement_below,
    }
    first = profiles[0] if profiles else None

    def over(part: str) -> dict[str, GroupScore]:
        keys = list(getattr(first, part)) if first else []
        rows = [{k: v.score for k, v in getattr(p, part).items()} for p in profiles]
        return aggregate_scores(rows, keys, **options)

    dimensions = over("dimensions")
    overall = aggregate_scores(
        [{"overall": p.overall.score} for p in profiles], ["overall"], **options
    )
    return OrganisationAggregate(
        responses=len(profiles),
        min_group_size=min_group_size,
        dimensions=dimensions,
        areas=over("areas"),
        indexes=over("indexes"),
        overall=overall["overall"],
        disagreements=tuple(k for k, v in dimensions.items() if v.disagreement),
    )


def _group_score(
    values: Values, responses: int, min_group_size: int, disagreement_below: float
) -> GroupScore:
    if len(values) < min_group_size:  # withheld: not even summarised
        hidden = Summary(len(values), None, None, None, None, None, None)
        return group_score(hidden, responses, min_group_size, disagreement_below)
    return group_score(summarise(values), responses, min_group_size, disagreement_below)


def group_score(
    summary: Summary,
    responses: int,
    min_group_size: int = MIN_GROUP_SIZE,
    disagreement_below: float = DISAGREEMENT_BELOW,
) -> GroupScore:
    """The group score of a :class:`Summary` of ``summary.n`` scores from ``responses``
    responses: withheld (statistics None, the reason said) below ``min_group_size`` scores;
    else the summary, flagged where its agreement is below ``disagreement_below``. The bulk
    path (:func:`scoring.stats.summarise_segments`) builds its scores with it, so they equal
    :func:`aggregate_columns`'.

    >>> group_score(Summary(2, 50.0, 50.0, 1.0, 49.0, 51.0, 0.99), 4).reason
    'withheld: only 2 responses have a score here, at least 3 are needed'
    """
    if summary.n < min_group_size:
        if responses < min_group_size:
            reason = f"withheld: {responses} responses, at least {min_group_size} are needed"
        else:
            reason = (
                f"withheld: only {summary.n} responses have a score here, "
                f"at least {min_group_size} are needed"
            )
        return GroupScore(
            n=summary.n,
            mean=None,
            median=None,
            sd=None,
            min=None,
            max=None,
            agreement=None,
            disagreement=False,
            withheld=True,
            reason_code=GROUP_TOO_SMALL,
            reason=reason,
        )
    disagree = summary.agreement is not None and summary.agreement < disagreement_below
    return GroupScore(
        **vars(summary), disagreement=disagree, withheld=False, reason_code=None, reason=None
    )


def group_scores(
    summaries: SegmentSummaries,
    responses: Sequence[int],
    min_group_size: int = MIN_GROUP_SIZE,
    disagreement_below: float = DISAGREEMENT_BELOW,
) -> list[GroupScore]:
    """:func:`group_score` of every segment of ``summaries`` (from
    :func:`scoring.stats.summarise_segments`), ``responses[s]`` being the number of responses
    segment ``s``'s scores come from; without a :class:`Summary` per segment in between (a
    round of 1,000 organisations has 120,000 segments).

    >>> from scoring.stats import summarise_segments
    >>> import numpy as np
    >>> s = summarise_segments(np.array([40.0, 60.0, 50.0, 7.0]), np.array([0, 0, 0, 1]), 2)
    >>> [(g.n, g.mean, g.withheld) for g in group_scores(s, [3, 3])]
    [(3, 50.0, False), (1, None, True)]
    """
    if len(responses) != summaries.n.size:
        raise ValueError(f"{len(responses)} response counts for {summaries.n.size} segments")
    found: list[GroupScore] = []
    append = found.append
    columns = zip(
        summaries.n.tolist(),
        summaries.mean.tolist(),
        summaries.median.tolist(),
        summaries.sd.tolist(),
        summaries.min.tolist(),
        summaries.max.tolist(),
        summaries.agreement.tolist(),
        responses,
        strict=True,
    )
    for n, mean, median, sd, low, high, agree, count in columns:
        if n < min_group_size:
            hidden = Summary(n, None, None, None, None, None, None)
            append(group_score(hidden, count, min_group_size, disagreement_below))
            continue
        agreement = None if agree != agree else agree  # NaN: one value
        append(
            GroupScore(
                n=n,
                mean=mean,
                median=median,
                sd=None if sd != sd else sd,
                min=low,
                max=high,
                agreement=agreement,
                disagreement=agreement is not None and agreement < disagreement_below,
                withheld=False,
                reason_code=None,
                reason=None,
            )
        )
    return found
