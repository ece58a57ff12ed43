"""Scoring one response in plain Python: the bulk arithmetic, one number at a time.

:func:`scoring.bulk.score_bulk` pays numpy's per-call cost for every step, which dominates
when there is only one response (an API submission, a respondent's result page). This module
runs the same steps on Python floats, reading the same tables of :mod:`scoring.plan` (the
combined lookups included) as plain lists, so the numbers are bit for bit those of the bulk
path: every bulk step is elementwise (``+``, ``*``, ``/`` on IEEE doubles, in the same order,
starting from the same zeros), and Python's float and complex arithmetic is that same IEEE
arithmetic. Only division needs care: numpy gives NaN or infinity where Python raises, which
:func:`divide` reproduces. ``tests/scoring/test_single.py`` compares both paths on many
random answer sets of every questionnaire.

>>> from scoring.definition import Definition
>>> d = Definition.model_validate({
...     "slug": "demo", "version": "1.0", "languages": ["en"], "default_language": "en",
...     "title": {"en": "Demo"},
...     "scales": {"agree": {"values": [0, 1, 2, 3, 4], "labels": {"en": list("abcde")}}},
...     "scoring": {"bands": [{"id": "all", "min": 0, "label": {"en": "All"}}]},
...     "dimensions": [{"id": "d", "title": {"en": "D"}}],
...     "items": [{"id": f"q{n}", "dimension": "d", "type": "scale", "scale": "agree",
...                "text": {"en": "?"}} for n in (1, 2)]})
>>> scores = score_codes(d, [4, 1])
>>> scores.dimension_scores, scores.coverage, scores.overall
([62.5], [1.0], 62.5)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scoring.definition import Definition
from scoring.plan import HIDDEN, Composite, Lookup, ScoringPlan, scoring_plan

NAN = math.nan
PlainLookups = tuple[tuple[tuple[int, ...], tuple[int, ...], list[complex]], ...]
"""Lookups as ``(positions, strides, entries)``, the entries as Python complex numbers."""


@dataclass(frozen=True)
class SingleScores:
    """The scores of one response, NaN where missing: the row of a
    :class:`~scoring.bulk.BulkScores` as plain floats.

    ``dimension_scores`` holds every node: dimensions, then areas, then indexes (the
    numbering of :class:`~scoring.plan.Composite`).
    """

    plan: ScoringPlan
    dimension_scores: list[float]
    coverage: list[float]
    overall: float
    own_mean: float
    group_scores: list[float]


@dataclass(frozen=True, eq=False)
class _Tables:
    """A plan's lookups as Python lists: ``(positions, strides, entries)`` per lookup."""

    plan: ScoringPlan

    dimensions: tuple[PlainLookups, ...]
    groups: tuple[PlainLookups, ...]
    shown: tuple[list[float], ...]


def divide(a: float, b: float) -> float:
    """``a / b`` as numpy divides: NaN for 0/0 (or a NaN), a signed infinity for x/0.

    >>> divide(1.0, 4.0), divide(0.0, 0.0), divide(-2.0, 0.0)
    (0.25, nan, -inf)
    """
    if b:
        return a / b
    if a == 0 or a != a:
        return NAN
    return math.copysign(math.inf, a) * math.copysign(1.0, b)


def score_codes(definition: Definition, codes: Sequence[int]) -> SingleScores:
    """Score one response given its answer codes (:func:`scoring.encode.encode_response`)."""
    tables = definition.derived("single-tables", _tables)
    plan = tables.plan
    dims, nodes = len(plan.dimensions), len(plan.dimensions) + len(plan.areas)
    last = nodes + len(plan.indexes)
    scores = [NAN] * last
    coverage = [NAN] * dims
    groups = [NAN] * len(plan.groups)
    own_total = own_count = 0.0
    for d in range(dims):
        sums = _sums(tables.dimensions[d], codes)
        answered_groups = [_group(plan, tables, g, codes, groups) for g in plan.dimension_groups[d]]
        for _, part in answered_groups:
            sums += part
        answered = sums.imag
        shown = _shown(plan, tables, d, codes)
        cover = coverage[d] = divide(answered, shown)
        score = divide(sums.real, answered)
        if not cover >= plan.dimension_min_coverage[d]:
            score = NAN
        elif plan.dimension_min_answered[d] > 1:
            count = 0.0
            for p in plan.dimension_ungrouped[d]:
                if plan.items[p].weight > 0:
                    count += codes[p] >= 0
            for g, (has, _) in zip(plan.dimension_groups[d], answered_groups, strict=True):
                if plan.groups[g].weight > 0:
                    count += has
            if count < plan.dimension_min_answered[d]:
                score = NAN
        scores[d] = score
        if score == score:
            own_total += score
            own_count += 1
    for a in plan.area_order:
        scores[dims + a] = _composite(plan.areas[a], scores)
    for x in plan.index_order:
        scores[nodes + x] = _composite(plan.indexes[x], scores)
    return SingleScores(
        plan=plan,
        dimension_scores=scores,
        coverage=coverage,
        overall=_composite(plan.overall, scores),
        own_mean=divide(own_total, own_count),
        group_scores=groups,
    )


def _tables(definition: Definition) -> _Tables:
    plan = scoring_plan(definition)

    def plain(lookups: tuple[Lookup, ...]) -> PlainLookups:
        return tuple((k.positions, k.strides, k.table.tolist()) for k in lookups)

    return _Tables(
        plan=plan,
        dimensions=tuple(plain(lookups) for lookups in plan.dimension_lookups),
        groups=tuple(plain(group.lookups) for group in plan.groups),
        shown=tuple(t.shown_table.tolist() for t in plan.items),
    )


def _sums(lookups: PlainLookups, codes: Sequence[int]) -> complex:
    """Weighted values (real) and answered weight (imaginary), one lookup after another.

    Negative indexes count from the end of a list as they do in numpy, where the tables keep
    the sentinels' entries.
    """
    sums = 0j
    for positions, strides, table in lookups:
        if len(positions) == 1:
            sums += table[codes[positions[0]]]
        else:
            index = 0
            for p, stride in zip(positions, strides, strict=True):
                index += codes[p] * stride
            sums += table[index]
    return sums


def _group(
    plan: ScoringPlan, tables: _Tables, g: int, codes: Sequence[int], out: list[float]
) -> tuple[bool, complex]:
    """Score item group ``g`` into ``out[g]``; returns whether it was answered (some
    sub-item of positive weight) and what it adds, as one part, to its dimension's sums."""
    own = _sums(tables.groups[g], codes)
    value = out[g] = divide(own.real, own.imag)
    weight = plan.groups[g].weight
    if own.imag > 0:
        return True, complex(weight * value, weight)
    return False, 0j


def _shown(plan: ScoringPlan, tables: _Tables, d: int, codes: Sequence[int]) -> float:
    """The weight of dimension ``d``'s parts that were shown."""
    if not plan.dimension_conditional[d]:
        return plan.dimension_shown_weight[d]
    shown = 0.0
    for p in plan.dimension_ungrouped[d]:
        table = plan.items[p]
        shown += tables.shown[p][codes[p]] if table.conditional else table.weight
    for g in plan.dimension_groups[d]:
        group = plan.groups[g]
        if group.conditional:
            seen = any(codes[p] != HIDDEN for p in group.items)
            shown += group.weight if seen else 0.0
        else:
            shown += group.weight
    return shown


def _composite(composite: Composite, nodes: list[float]) -> float:
    """``sum(w * s) / sum(w)`` over the children that have a score (NaN if none)."""
    total = weight = 0.0
    for child, w in zip(composite.children, composite.weights, strict=True):
        score = nodes[child]
        if score == score:
            total += score if w == 1 else score * w
            weight += 1.0 if w == 1 else w
    return divide(total, weight)
