"""Instrument quality across the responses to one questionnaire version, for its authors.

Per item: how often it was shown, left unanswered or answered "not applicable", and how the
answers spread over the options. Per dimension: Cronbach's alpha over its scored items and,
per item, the corrected item-total correlation (the item against the sum of the others) and
alpha if the item were deleted; an item whose deletion would raise alpha is flagged as one that
lowers it.

Reliability uses the values that enter the scores (0..100, reverse-keyed items flipped) of
*complete cases*: responses that answered every scored item of the dimension (listwise
deletion), unweighted as alpha is defined. Rates count only responses that were shown the item.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from scoring.answers import check_answer
from scoring.definition import NOT_APPLICABLE, Definition, Item, ItemType
from scoring.encode import encode_answers
from scoring.plan import scoring_plan
from scoring.stats import alpha_if_deleted, cronbach_alpha, item_rest_correlations
from scoring.visibility import visibility_plan


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
    """Item rates and distributions and per-dimension reliability over these responses."""
    visibility = visibility_plan(definition)
    hidden = [visibility.hidden(answers) for answers in responses]
    items = {
        item.id: _item_quality(definition, item, responses, hidden) for item in definition.items
    }
    dimensions = _reliability(definition, responses)
    lowering = tuple(
        item_id
        for quality in dimensions.values()
        for item_id, item in quality.items.items()
        if item.lowers_alpha
    )
    return QualityReport(len(responses), dimensions, items, lowering)


def _item_quality(
    definition: Definition,
    item: Item,
    responses: Sequence[Mapping[str, Any]],
    hidden: Sequence[frozenset[str]],
) -> ItemQuality:
    distribution = _empty_distribution(definition, item)
    shown = answered = not_applicable = 0
    for answers, hides in zip(responses, hidden, strict=True):
        if item.id in hides:
            continue
        shown += 1
        value = answers.get(item.id)
        if value is None or check_answer(definition, item, value) is not None:
            continue
        if value == NOT_APPLICABLE and item.type is ItemType.SCALE:
            not_applicable += 1
            distribution[NOT_APPLICABLE] += 1
            continue
        answered += 1
        if item.type is ItemType.SCALE:
            distribution[str(definition.scales[item.scale or ""].values.index(value))] += 1
        elif item.type is ItemType.SINGLE_CHOICE:
            distribution[value] += 1
        elif item.type is ItemType.MULTI_CHOICE:
            for choice in value:
                distribution[choice] += 1
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
    definition: Definition, responses: Sequence[Mapping[str, Any]]
) -> dict[str, DimensionQuality]:
    plan = scoring_plan(definition)
    codes = encode_answers(definition, responses).codes
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
