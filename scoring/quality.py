"""Instrument quality across the responses to one questionnaire version, for its authors.

Per item: how often it was shown, left unanswered or answered "not applicable", and how the
answers spread over the options. Per dimension: Cronbach's alpha over its scored items and,
per item, the corrected item-total correlation (the item against the sum of the others) and
alpha if the item were deleted; an item whose deletion would raise alpha is flagged as one that
lowers it.

Reliability uses the values that enter the scores (0..100, reverse-keyed items flipped) of
*complete cases*: responses that answered every scored item of the dimension (listwise
deletion), unweighted as alpha is defined. Rates count only responses that were shown the item.

Many responses are gathered batch by batch with a :class:`QualityTally`: it keeps counts and
one small answer code per scored item and response (:func:`scoring.encode_answers`), never the
answers themselves, and gives the same report as :func:`instrument_quality` over all of them.
:func:`flagged_items` names the items an author should look at, by the thresholds of
:data:`THRESHOLDS` (sources in ``docs/scoring.md``).

>>> from scoring.definition import Definition
>>> definition = Definition.model_validate({
...     "slug": "demo", "version": "1", "languages": ["en"], "default_language": "en",
...     "title": {"en": "Demo"},
...     "scales": {"agree": {"values": [1, 2, 3], "labels": {"en": ["no", "partly", "yes"]},
...                          "not_applicable": True}},
...     "dimensions": [{"id": "d", "title": {"en": "D"}}],
...     "items": [{"id": f"q{n}", "dimension": "d", "type": "scale", "scale": "agree",
...                "text": {"en": f"Q{n}"}} for n in (1, 2, 3)],
...     "scoring": {"bands": [{"id": "all", "min": 0, "label": {"en": "All"}}]},
... })
>>> rows = [{"q1": 1, "q2": 1, "q3": 1}, {"q1": 2, "q2": 3, "q3": 2},
...         {"q1": 3, "q2": 2, "q3": "na"}, {"q1": 3, "q2": 3, "q3": 3}]
>>> tally = QualityTally(definition)
>>> tally.add(rows[:2]); tally.add(rows[2:])
>>> report = tally.report()
>>> report == instrument_quality(definition, rows)
True
>>> report.dimensions["d"].complete_cases, round(report.dimensions["d"].alpha, 2)
(3, 0.96)
>>> flagged_items(report)  # q1 and q3 agree on every complete case: alpha rises without q2
{'q2': (<Flag.LOWERS_ALPHA: 'lowers_alpha'>,), 'q3': (<Flag.NOT_APPLICABLE: 'not_applicable'>,)}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from scoring.answers import check_answer
from scoring.definition import NOT_APPLICABLE, Definition, Item, ItemType
from scoring.encode import encode_answers
from scoring.plan import HIDDEN, NOT_APPLICABLE_CODE, ItemTable, scoring_plan
from scoring.stats import alpha_if_deleted, cronbach_alpha, item_rest_correlations
from scoring.visibility import VisibilityPlan, visibility_plan


@dataclass(frozen=True)
class QualityThresholds:
    """When an item is flagged; every figure is a fraction (0.2 is 20 %).

    - ``item_rest_min``: an item-rest (corrected item-total) correlation below it suggests the
      item measures something else than its dimension (0.3: Nunnally & Bernstein 1994; Field
      2018);
    - ``not_applicable_max``, ``missing_max``: above these shares of the respondents shown the
      item, it does not fit many of them or is hard to answer;
    - ``alpha_acceptable``: a dimension's alpha below it is marked (0.7: Nunnally 1978; Cortina
      1993 on reading it with the number of items in mind).

    An item whose deletion would raise its dimension's alpha is flagged whatever the size of the
    rise (:attr:`ItemReliability.lowers_alpha`).
    """

    item_rest_min: float = 0.3
    not_applicable_max: float = 0.2
    missing_max: float = 0.1
    alpha_acceptable: float = 0.7


THRESHOLDS = QualityThresholds()
"""The one place the flags' thresholds are set (documented in ``docs/scoring.md``)."""


class Flag(StrEnum):
    """Why an item is flagged, in :func:`flagged_items`' order."""

    LOW_ITEM_REST = "low_item_rest"
    LOWERS_ALPHA = "lowers_alpha"
    NOT_APPLICABLE = "not_applicable"
    MISSING = "missing"


@dataclass(frozen=True)
class ItemQuality:
    """Answer rates of one item; ``distribution`` counts answers per value or choice."""

    shown: int
    answered: int
    not_applicable: int
    missing: int
    missing_rate: float | None
    not_applicable_rate: float | None
    distribution: Mapping[str, int] | None


@dataclass(frozen=True)
class ItemReliability:
    item_rest_correlation: float | None
    alpha_if_deleted: float | None
    lowers_alpha: bool


@dataclass(frozen=True)
class DimensionQuality:
    complete_cases: int
    alpha: float | None
    reason_code: str | None
    reason: str | None
    items: Mapping[str, ItemReliability]


@dataclass(frozen=True)
class QualityReport:
    responses: int
    dimensions: Mapping[str, DimensionQuality]
    items: Mapping[str, ItemQuality]
    lowering_alpha: tuple[str, ...]
    """Items whose deletion would raise their dimension's alpha."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "responses": self.responses,
            "dimensions": {
                k: {**vars(v), "items": {i: vars(r).copy() for i, r in v.items.items()}}
                for k, v in self.dimensions.items()
            },
            "items": {
                k: {**vars(v), "distribution": _plain(v.distribution)}
                for k, v in self.items.items()
            },
            "lowering_alpha": list(self.lowering_alpha),
        }


def _plain(distribution: Mapping[str, int] | None) -> dict[str, int] | None:
    return None if distribution is None else dict(distribution)


def instrument_quality(
    definition: Definition, responses: Sequence[Mapping[str, Any]]
) -> QualityReport:
    """Item rates and distributions and per-dimension reliability over these responses.

    Raises :class:`~scoring.answers.UnscorableAnswers` for an answer to a scored item that
    scoring could not read (as :func:`scoring.encode_answers` does)."""
    tally = QualityTally(definition)
    tally.add(responses)
    return tally.report()


@dataclass
class _ItemCounts:
    shown: int = 0
    answered: int = 0
    not_applicable: int = 0
    distribution: dict[str, int] = field(default_factory=dict)


class QualityTally:
    """:func:`instrument_quality` gathered batch by batch (see the module's description).

    Memory: the counts per item and option, and one byte or two per scored item and response
    (the answer codes reliability needs), whatever the size of the answers.
    """

    def __init__(self, definition: Definition) -> None:
        self._definition = definition
        self._visibility: VisibilityPlan = visibility_plan(definition)
        self._counts = {
            item.id: _ItemCounts(distribution=_empty_distribution(definition, item))
            for item in definition.items
        }
        self._codes: list[np.ndarray[Any, Any]] = []
        self._responses = 0
        # Scale items are counted from their answer codes (numpy, no Python loop per answer):
        # the codes say shown (not HIDDEN), "not applicable", missing, and which value.
        plan = scoring_plan(definition)
        self._coded = [
            (row, table.item_id, _value_positions(definition, table))
            for row, table in enumerate(plan.items)
            if table.kind is ItemType.SCALE
        ]
        coded = {item_id for _, item_id, _ in self._coded}
        self._others = [item for item in definition.items if item.id not in coded]

    def add(self, responses: Sequence[Mapping[str, Any]]) -> None:
        """Count one batch of responses (answers as stored: item id -> value)."""
        codes = encode_answers(self._definition, responses).codes
        self._codes.append(codes)
        for row, item_id, positions in self._coded:
            _count_codes(codes[row], positions, self._counts[item_id])
        if self._others:
            for answers in responses:
                hides = self._visibility.hidden(answers)
                for item in self._others:
                    if item.id not in hides:
                        _count(self._definition, item, answers.get(item.id), self._counts[item.id])
        self._responses += len(responses)

    def report(self) -> QualityReport:
        """The report over every response added so far."""
        definition = self._definition
        items = {
            item.id: _item_quality(definition, item, self._counts[item.id])
            for item in definition.items
        }
        codes = (
            np.concatenate(self._codes, axis=1)
            if self._codes
            else encode_answers(definition, []).codes
        )
        dimensions = _reliability(definition, codes)
        lowering = tuple(
            item_id
            for quality in dimensions.values()
            for item_id, item in quality.items.items()
            if item.lowers_alpha
        )
        return QualityReport(self._responses, dimensions, items, lowering)


def flagged_items(
    report: QualityReport, thresholds: QualityThresholds = THRESHOLDS
) -> dict[str, tuple[Flag, ...]]:
    """The flagged items (id -> reasons, in the definition's order), by ``thresholds``."""
    reasons: dict[str, list[Flag]] = {item_id: [] for item_id in report.items}
    for quality in report.dimensions.values():
        for item_id, reliability in quality.items.items():
            correlation = reliability.item_rest_correlation
            if correlation is not None and correlation < thresholds.item_rest_min:
                reasons[item_id].append(Flag.LOW_ITEM_REST)
            if reliability.lowers_alpha:
                reasons[item_id].append(Flag.LOWERS_ALPHA)
    for item_id, rates in report.items.items():
        if (rates.not_applicable_rate or 0) > thresholds.not_applicable_max:
            reasons[item_id].append(Flag.NOT_APPLICABLE)
        if (rates.missing_rate or 0) > thresholds.missing_max:
            reasons[item_id].append(Flag.MISSING)
    return {item_id: tuple(found) for item_id, found in reasons.items() if found}


def _count(definition: Definition, item: Item, value: Any, counts: _ItemCounts) -> None:
    """Count one answer of a respondent who was shown ``item``."""
    counts.shown += 1
    if value is None or check_answer(definition, item, value) is not None:
        return
    distribution = counts.distribution
    if value == NOT_APPLICABLE and item.type is ItemType.SCALE:
        counts.not_applicable += 1
        distribution[NOT_APPLICABLE] += 1
        return
    counts.answered += 1
    if item.type is ItemType.SCALE:
        distribution[str(definition.scales[item.scale or ""].values.index(value))] += 1
    elif item.type is ItemType.SINGLE_CHOICE:
        distribution[value] += 1
    elif item.type is ItemType.MULTI_CHOICE:
        for choice in value:
            distribution[choice] += 1


def _value_positions(definition: Definition, table: ItemTable) -> np.ndarray[Any, Any]:
    """A scale item's code -> the position of its value in the scale (the distribution's key
    while counting)."""
    item = next(item for item in definition.items if item.id == table.item_id)
    values = definition.scales[item.scale or ""].values
    positions = np.zeros(len(table.levels), dtype=np.intp)
    for position, value in enumerate(values):
        positions[table.codes[value]] = position
    return positions


def _count_codes(
    codes: np.ndarray[Any, Any], positions: np.ndarray[Any, Any], counts: _ItemCounts
) -> None:
    """Count one batch of a scale item's answer codes, as :func:`_count` counts its answers."""
    answered = codes[codes >= 0]
    counts.shown += int((codes != HIDDEN).sum())
    not_applicable = int((codes == NOT_APPLICABLE_CODE).sum())
    counts.not_applicable += not_applicable
    counts.answered += int(answered.size)
    distribution = counts.distribution
    if not_applicable:
        distribution[NOT_APPLICABLE] += not_applicable
    tallies = np.bincount(positions[answered], minlength=len(positions))
    for position, count in enumerate(tallies.tolist()):
        if count:
            distribution[str(position)] += count


def _item_quality(definition: Definition, item: Item, counts: _ItemCounts) -> ItemQuality:
    shown, answered, not_applicable = counts.shown, counts.answered, counts.not_applicable
    distribution = dict(counts.distribution)
    missing = shown - answered - not_applicable
    if item.type is ItemType.SCALE:  # keys were positions while counting; show the values
        values = definition.scales[item.scale or ""].values
        distribution = {
            (key if key == NOT_APPLICABLE else str(values[int(key)])): count
            for key, count in distribution.items()
        }
    return ItemQuality(
        shown=shown,
        answered=answered,
        not_applicable=not_applicable,
        missing=missing,
        missing_rate=missing / shown if shown else None,
        not_applicable_rate=not_applicable / shown if shown else None,
        distribution=distribution if item.type not in (ItemType.NUMBER, ItemType.TEXT) else None,
    )


def _empty_distribution(definition: Definition, item: Item) -> dict[str, int]:
    if item.type is ItemType.SCALE:
        scale = definition.scales[item.scale or ""]
        keys = [str(n) for n in range(len(scale.values))]
        return dict.fromkeys([*keys, *([NOT_APPLICABLE] if scale.not_applicable else [])], 0)
    return dict.fromkeys((c.id for c in item.choices or []), 0)


def _reliability(
    definition: Definition, codes: np.ndarray[Any, Any]
) -> dict[str, DimensionQuality]:
    plan = scoring_plan(definition)
    result = {}
    for d, dimension_id in enumerate(plan.dimensions):
        positions = plan.dimension_items[d]
        ids = [plan.items[p].item_id for p in positions]
        block = codes[list(positions)]
        complete = (block >= 0).all(axis=0)
        data = np.array(
            [np.asarray(plan.items[p].levels)[block[n][complete]] for n, p in enumerate(positions)]
        ).T.reshape(int(complete.sum()), len(positions))
        alpha = cronbach_alpha(data)
        reason_code = reason = None
        if alpha is None:
            reason_code, reason = _why_no_alpha(data)
        rest = item_rest_correlations(data)
        deleted = alpha_if_deleted(data) if len(ids) > 2 else [None] * len(ids)
        result[dimension_id] = DimensionQuality(
            complete_cases=int(complete.sum()),
            alpha=alpha,
            reason_code=reason_code,
            reason=reason,
            items={
                item_id: ItemReliability(
                    item_rest_correlation=r,
                    alpha_if_deleted=a,
                    lowers_alpha=alpha is not None and a is not None and a > alpha,
                )
                for item_id, r, a in zip(ids, rest, deleted, strict=True)
            },
        )
    return result


def _why_no_alpha(data: np.ndarray[Any, Any]) -> tuple[str, str]:
    n, k = data.shape
    if k < 2:
        return "single_item", "alpha needs at least two scored items"
    if n < 2:
        return "too_few_complete", f"{n} complete responses, alpha needs at least two"
    return "no_variance", "the sum score does not vary across complete responses"
