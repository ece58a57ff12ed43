"""A response's profile: scores, bands, strengths and weaknesses, and what to do about them.

:func:`score_response` scores one response through the same arithmetic as
:func:`scoring.bulk.score_bulk`, done on plain floats (:mod:`scoring.single`, bit for bit the
same numbers), then dresses the numbers: a band per score,
the reason whenever a score is missing, strengths and weaknesses by the definition's
thresholds, and the *top* and *bottom* dimensions relative to the respondent's own mean (the
plain mean of their dimension scores), so that even a profile that is low everywhere shows
where it is comparatively strong. Results are immutable; :meth:`Profile.to_dict` gives JSON.

>>> from scoring.definition import Definition
>>> d = Definition.model_validate({
...     "slug": "demo", "version": "1.0", "languages": ["en"], "default_language": "en",
...     "title": {"en": "Demo"},
...     "scales": {"agree": {"values": [0, 1, 2, 3, 4], "labels": {"en": list("abcde")}}},
...     "scoring": {"bands": [{"id": "low", "min": 0, "label": {"en": "Low"}},
...                           {"id": "high", "min": 50, "label": {"en": "High"}}]},
...     "dimensions": [{"id": "d", "title": {"en": "D"}}],
...     "items": [{"id": f"q{n}", "dimension": "d", "type": "scale", "scale": "agree",
...                "text": {"en": "?"}} for n in (1, 2)]})
>>> p = score_response(d, {"q1": 4, "q2": 1})
>>> p.dimensions["d"].score, p.dimensions["d"].band, p.overall.score
(62.5, 'high', 62.5)
>>> score_response(d, {}).dimensions["d"].reason
'not enough answers (coverage 0% < 50%)'
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scoring.bulk import BulkScores
from scoring.definition import Definition
from scoring.encode import encode_response
from scoring.plan import HIDDEN, MISSING, NOT_APPLICABLE_CODE, ScoringPlan, scoring_plan
from scoring.rounding import round_score
from scoring.rules import RULES_VERSION
from scoring.single import score_codes

RELATIVE_COUNT = 3
"""How many dimensions :attr:`Profile.top` and :attr:`Profile.bottom` name at most."""

LOW_COVERAGE = "low_coverage"
TOO_FEW_ANSWERS = "too_few_answers"
NO_ITEMS_SHOWN = "no_items_shown"
NO_SCORED_PARTS = "no_scored_parts"


@dataclass(frozen=True)
class DimensionScore:
    """One dimension of a profile. ``answered``/``shown`` count scored items (questions).

    ``score`` is the unrounded value, ``rounded`` the one to show
    (:func:`scoring.rounding.round_score`); ``band``, ``strength`` and ``weakness`` are
    decided on ``rounded``.
    """

    score: float | None
    coverage: float | None
    band: str | None
    reason_code: str | None
    reason: str | None
    answered: int
    shown: int
    not_applicable: int
    relative: float | None
    """The score minus the respondent's own mean."""
    strength: bool
    weakness: bool
    rounded: float | None


@dataclass(frozen=True)
class CompositeScore:
    """An area, an index or the overall index; ``scored`` of ``parts`` children had a score.

    ``band`` is decided on ``rounded``, the value to show.
    """

    score: float | None
    band: str | None
    reason_code: str | None
    reason: str | None
    scored: int
    parts: int
    rounded: float | None


@dataclass(frozen=True)
class ItemGroupScore:
    """An item group (an indicator made of sub-questions): the weighted mean of its answered
    sub-items, ``None`` when none was answered. ``answered``/``shown`` count sub-items."""

    score: float | None
    rounded: float | None
    answered: int
    shown: int
    not_applicable: int


@dataclass(frozen=True)
class Profile:
    """All scores of one response to one questionnaire version."""

    slug: str
    version: str
    rules_version: str
    dimensions: Mapping[str, DimensionScore]
    areas: Mapping[str, CompositeScore]
    indexes: Mapping[str, CompositeScore]
    overall: CompositeScore
    own_mean: float | None
    strengths: tuple[str, ...]
    weaknesses: tuple[str, ...]
    top: tuple[str, ...]
    bottom: tuple[str, ...]
    item_groups: Mapping[str, ItemGroupScore] = field(default_factory=dict)

    def dimension_scores(self) -> dict[str, float | None]:
        """Dimension id -> score, the input of cohort comparisons."""
        return {key: value.score for key, value in self.dimensions.items()}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (floats, strings, lists, None)."""
        return {
            "slug": self.slug,
            "version": self.version,
            "rules_version": self.rules_version,
            "dimensions": {k: vars(v).copy() for k, v in self.dimensions.items()},
            "areas": {k: vars(v).copy() for k, v in self.areas.items()},
            "indexes": {k: vars(v).copy() for k, v in self.indexes.items()},
            "overall": vars(self.overall).copy(),
            "own_mean": self.own_mean,
            "strengths": list(self.strengths),
            "weaknesses": list(self.weaknesses),
            "top": list(self.top),
            "bottom": list(self.bottom),
            "item_groups": {k: vars(v).copy() for k, v in self.item_groups.items()},
        }


def score_response(definition: Definition, answers: Mapping[str, Any]) -> Profile:
    """The profile of one response (answers: item id -> stored value).

    Raises :class:`~scoring.answers.UnscorableAnswers` for answers it cannot read (a value
    outside an item's choices or scale, an unknown item), naming each item and its allowed
    values; it never counts them as unanswered. Scored in plain Python
    (:mod:`scoring.single`): the same numbers as :func:`~scoring.bulk.score_bulk`, without numpy's
    per-call cost, which dominates for one response.
    """
    codes = encode_response(definition, answers)
    scores = score_codes(definition, codes)
    return _profile(
        definition,
        scores.plan,
        codes,
        scores.dimension_scores,
        scores.coverage,
        scores.overall,
        scores.own_mean,
        scores.group_scores,
    )


def profile_at(scores: BulkScores, row: int) -> Profile:
    """The profile of one response of a bulk result."""
    node_scores: list[float] = [
        *scores.dimension_scores[row].tolist(),
        *scores.area_scores[row].tolist(),
        *scores.index_scores[row].tolist(),
    ]
    return _profile(
        scores.definition,
        scoring_plan(scores.definition),
        scores.matrix.codes[:, row].tolist(),
        node_scores,
        scores.coverage[row].tolist(),
        float(scores.overall[row]),
        float(scores.own_mean[row]),
        scores.group_scores[row].tolist(),
    )


def _profile(
    definition: Definition,
    plan: ScoringPlan,
    codes: Sequence[int],
    node_scores: Sequence[float],
    coverage: Sequence[float],
    overall: float,
    own_mean_value: float,
    group_scores: Sequence[float],
) -> Profile:
    """Dress one response's numbers (NaN where missing; nodes numbered dimensions, areas,
    indexes) as a :class:`Profile`: bands, reasons, strengths, weaknesses, top and bottom."""
    own_mean = _number(own_mean_value)
    dimensions = {
        dimension_id: _dimension(
            plan, d, codes, _number(node_scores[d]), _number(coverage[d]), own_mean
        )
        for d, dimension_id in enumerate(plan.dimensions)
    }
    dims, nodes = len(plan.dimensions), len(plan.dimensions) + len(plan.areas)
    areas = {
        area.id: _composite(plan, node_scores[dims + a], area.children, node_scores)
        for a, area in enumerate(plan.areas)
    }
    indexes = {
        index.id: _composite(plan, node_scores[nodes + x], index.children, node_scores)
        for x, index in enumerate(plan.indexes)
    }
    item_groups = {
        group.id: _item_group([codes[p] for p in group.items], group_scores[g])
        for g, group in enumerate(plan.groups)
    }
    relative = [(v.relative, k) for k, v in dimensions.items() if v.relative is not None]
    return Profile(
        slug=definition.slug,
        version=definition.version,
        rules_version=RULES_VERSION,
        dimensions=dimensions,
        areas=areas,
        indexes=indexes,
        overall=_composite(plan, overall, plan.overall.children, node_scores),
        own_mean=own_mean,
        strengths=tuple(k for k, v in dimensions.items() if v.strength),
        weaknesses=tuple(k for k, v in dimensions.items() if v.weakness),
        top=_extremes([(-r, k) for r, k in relative if r > 0]),
        bottom=_extremes([(r, k) for r, k in relative if r < 0]),
        item_groups=item_groups,
    )


def recommendations(
    definition: Definition, profile: Profile, language: str
) -> dict[str, list[str]]:
    """The recommendations for each weakness, in ``language`` or else the default language."""
    return recommendations_for(definition, profile.weaknesses, language)


def recommendations_for(
    definition: Definition, dimension_ids: Iterable[str], language: str
) -> dict[str, list[str]]:
    """The recommendations of the dimensions ``dimension_ids`` (each a dimension of
    ``definition``; an unknown id is a ``KeyError``), in ``language`` or else the default
    language, keyed in the order given: a respondent's weaknesses, or an organisation's weak
    dimensions in a partner report."""
    result: dict[str, list[str]] = {}
    for dimension_id in dimension_ids:
        texts = definition.dimension(dimension_id).recommendations
        result[dimension_id] = list(
            texts.get(language) or texts.get(definition.default_language) or []
        )
    return result


def band_of(plan: ScoringPlan, score: float | None) -> str | None:
    """The id of the last band whose ``min`` is at most ``score`` (give the rounded score)."""
    if score is None:
        return None
    return plan.band_ids[max(bisect_right(plan.band_mins, score) - 1, 0)]


def _number(value: Any) -> float | None:
    number = float(value)
    return None if math.isnan(number) else number


def _extremes(keyed: list[tuple[float, str]]) -> tuple[str, ...]:
    """The ids with the smallest keys; ties keep definition order (sorting is stable)."""
    return tuple(k for _, k in sorted(keyed, key=lambda pair: pair[0])[:RELATIVE_COUNT])


def answered_parts(plan: ScoringPlan, d: int, codes: Sequence[int]) -> int:
    """How many parts of dimension ``d`` are answered: items outside groups, and groups
    (once each, however many sub-items), counting only parts of positive weight."""
    count = sum(1 for p in plan.dimension_ungrouped[d] if codes[p] >= 0 and plan.items[p].weight)
    for g in plan.dimension_groups[d]:
        group = plan.groups[g]
        subs = [p for p in group.items if codes[p] >= 0 and plan.items[p].weight]
        count += bool(subs and group.weight)
    return count


def _dimension(
    plan: ScoringPlan,
    d: int,
    all_codes: Sequence[int],
    score: float | None,
    coverage: float | None,
    own_mean: float | None,
) -> DimensionScore:
    codes = [all_codes[p] for p in plan.dimension_items[d]]
    reason_code = reason = None
    minimum = plan.dimension_min_coverage[d]
    if coverage is None:
        reason_code, reason = NO_ITEMS_SHOWN, "no items shown"
    elif score is None and coverage < minimum:
        reason_code = LOW_COVERAGE
        reason = f"not enough answers (coverage {coverage:.0%} < {minimum:.0%})"
    elif score is None:
        reason_code = TOO_FEW_ANSWERS
        needed = plan.dimension_min_answered[d]
        answered = answered_parts(plan, d, all_codes)
        reason = f"not enough answers ({answered} answered, at least {needed} needed)"
    rounded = round_score(score)
    return DimensionScore(
        score=score,
        coverage=coverage,
        band=band_of(plan, rounded),
        reason_code=reason_code,
        reason=reason,
        answered=_answered(codes),
        shown=len(codes) - codes.count(HIDDEN),
        not_applicable=codes.count(NOT_APPLICABLE_CODE),
        relative=None if score is None or own_mean is None else score - own_mean,
        strength=rounded is not None and rounded >= plan.strength_at,
        weakness=rounded is not None and rounded < plan.weakness_below,
        rounded=rounded,
    )


def _answered(codes: list[int]) -> int:
    """How many of these codes are answers (not a sentinel: missing, N/A or hidden)."""
    sentinels = codes.count(MISSING) + codes.count(NOT_APPLICABLE_CODE) + codes.count(HIDDEN)
    return len(codes) - sentinels


def _composite(
    plan: ScoringPlan, value: Any, children: Sequence[int], node_scores: Sequence[Any]
) -> CompositeScore:
    score = _number(value)
    scored = sum(1 for c in children if not math.isnan(node_scores[c]))
    missing = score is None
    rounded = round_score(score)
    return CompositeScore(
        score=score,
        band=band_of(plan, rounded),
        reason_code=NO_SCORED_PARTS if missing else None,
        reason="none of its parts has a score" if missing else None,
        scored=scored,
        parts=len(children),
        rounded=rounded,
    )


def _item_group(codes: list[int], value: Any) -> ItemGroupScore:
    score = _number(value)
    return ItemGroupScore(
        score=score,
        rounded=round_score(score),
        answered=_answered(codes),
        shown=len(codes) - codes.count(HIDDEN),
        not_applicable=codes.count(NOT_APPLICABLE_CODE),
    )
