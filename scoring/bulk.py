"""The vectorised scoring path: many responses at once, the same numbers as one at a time.

:func:`score_bulk` is *the* scoring arithmetic; :func:`scoring.profile.score_response` runs it
on a single response. Every step is an elementwise numpy operation applied in a fixed order
(items in definition order, children in definition order), never a reduction whose summation
order could depend on the number of responses, so a response's scores are bit-for-bit the same
alone or among a million. Responses are processed in chunks that fit the CPU cache, which
makes the many small steps cheap and bounds the memory used besides the results.

Per dimension ``d`` with parts ``i`` (weights ``w_i``, values ``x_i`` in 0..100); a part is
an item, or an item group whose value is the weighted mean of its answered sub-items (the
same formula one level down) and which counts as answered when one of them is::

    answered = sum(w_i for answered i)         shown = sum(w_i for shown i)
    coverage = answered / shown                 (NaN when nothing is shown)
    score    = sum(w_i * x_i) / answered        (NaN when coverage < min_coverage, or fewer
                                                 than min_answered parts are answered)

A composite (area, index, overall) is ``sum(w_c * s_c) / sum(w_c)`` over its children ``c``
that have a score; a missing child is skipped, never counted as 0. Bands, strengths and
weaknesses are decided on the rounded scores (:mod:`scoring.rounding`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from scoring.definition import Definition
from scoring.encode import AnswerMatrix, Codes, encode_answers
from scoring.plan import HIDDEN, Composite, Lookup, ScoringPlan, scoring_plan
from scoring.rounding import round_scores

CHUNK = 32768
Floats = NDArray[np.float64]
Bands = NDArray[np.int8]


@dataclass(frozen=True, eq=False)
class BulkScores:
    """Scores of many responses; rows are responses, columns follow the id tuples.

    Missing scores are NaN, missing bands -1. Arrays are read-only.
    """

    definition: Definition
    matrix: AnswerMatrix
    dimensions: tuple[str, ...]
    dimension_scores: Floats
    coverage: Floats
    areas: tuple[str, ...]
    area_scores: Floats
    indexes: tuple[str, ...]
    index_scores: Floats
    overall: Floats
    own_mean: Floats
    """Plain mean of each response's dimension scores, the yardstick for top and bottom."""
    groups: tuple[str, ...]
    group_scores: Floats
    """Item group values (responses x groups), NaN where no sub-item was answered."""
    _rounded: dict[str, Floats] = field(default_factory=dict, repr=False)

    def rounded(self, scores: Floats) -> Floats:
        """Scores rounded by the rule people read them by (:func:`round_scores`); the result's
        own score arrays are rounded once and kept."""
        for name in ("dimension_scores", "area_scores", "index_scores", "overall"):
            if scores is getattr(self, name):
                if name not in self._rounded:
                    # round the contiguous rows the 2-D arrays are transposed views of
                    rounded = round_scores(scores.T).T if scores.ndim == 2 else round_scores(scores)
                    rounded.flags.writeable = False
                    self._rounded[name] = rounded
                return self._rounded[name]
        return round_scores(scores)

    def __len__(self) -> int:
        return len(self.overall)

    def bands(self, scores: Floats) -> Bands:
        """Band positions for an array of scores: the last band whose ``min`` <= the rounded
        score (:func:`scoring.rounding.round_scores`)."""
        plan = scoring_plan(self.definition)
        rounded = self.rounded(scores)
        result = np.zeros_like(rounded, dtype=np.int8)  # the same memory layout: fast loops
        for low in plan.band_mins[1:]:
            result += rounded >= low
        result[np.isnan(rounded)] = -1
        return result

    def strengths(self) -> NDArray[np.bool_]:
        """Dimensions whose rounded score is at or above the definition's ``strength_at``."""
        strength_at = scoring_plan(self.definition).strength_at
        return self.rounded(self.dimension_scores) >= strength_at

    def weaknesses(self) -> NDArray[np.bool_]:
        """Dimensions whose rounded score is below the definition's ``weakness_below``."""
        weakness_below = scoring_plan(self.definition).weakness_below
        return self.rounded(self.dimension_scores) < weakness_below

    def relative(self) -> Floats:
        """Each dimension score minus the response's own mean (NaN where either is missing)."""
        # computed on the dimension-major layout the scores are stored in, then turned
        return (self.dimension_scores.T - self.own_mean).T


def score_bulk(
    definition: Definition, responses: AnswerMatrix | Iterable[Mapping[str, Any]]
) -> BulkScores:
    """Score many responses: stored answer dicts, or an :class:`AnswerMatrix` made earlier."""
    matrix = (
        responses if isinstance(responses, AnswerMatrix) else encode_answers(definition, responses)
    )
    if matrix.definition is not definition and matrix.definition != definition:
        raise ValueError("the answer matrix was encoded for another definition")
    plan = scoring_plan(definition)
    n = len(matrix)
    dims, nodes = len(plan.dimensions), len(plan.dimensions) + len(plan.areas)
    last = nodes + len(plan.indexes)
    # Rows: dimensions, areas, indexes, overall, own mean; _score_chunk writes every cell.
    scores = np.empty((last + 2, n))
    coverage = np.empty((dims, n))
    groups = np.empty((len(plan.groups), n))
    with np.errstate(divide="ignore", invalid="ignore"):
        for start in range(0, n, CHUNK):
            part = slice(start, start + CHUNK)
            _score_chunk(
                plan, matrix.codes[:, part], scores[:, part], coverage[:, part], groups[:, part]
            )
    for array in (scores, coverage, groups):
        array.flags.writeable = False
    return BulkScores(
        definition=definition,
        matrix=matrix,
        dimensions=plan.dimensions,
        dimension_scores=scores[:dims].T,
        coverage=coverage.T,
        areas=tuple(a.id for a in plan.areas),
        area_scores=scores[dims:nodes].T,
        indexes=tuple(i.id for i in plan.indexes),
        index_scores=scores[nodes:last].T,
        overall=scores[last],
        own_mean=scores[last + 1],
        groups=tuple(g.id for g in plan.groups),
        group_scores=groups.T,
    )


def _score_chunk(
    plan: ScoringPlan, codes: Codes, scores: Floats, coverage: Floats, groups: Floats
) -> None:
    """Score one chunk of responses into its rows of ``scores``, ``coverage``, ``groups``."""
    n = codes.shape[1]
    dims, nodes = len(plan.dimensions), len(plan.dimensions) + len(plan.areas)
    tables = plan.items
    own_total, own_count = np.zeros(n), np.zeros(n)
    scored: dict[int, NDArray[np.bool_]] = {}  # node -> has a score (computed once)
    for d in range(dims):
        # Real part: sum of w * x over answered items; imaginary part: their weight. One
        # lookup gives both (complex addition adds the parts separately, exactly).
        sums = _sums(plan.dimension_lookups[d], codes, n)
        own_groups = plan.dimension_groups[d]
        answered_groups = [_group(plan, g, codes, groups[g], sums) for g in own_groups]
        answered = sums.imag
        shown: Floats | float = plan.dimension_shown_weight[d]
        if plan.dimension_conditional[d]:
            shown = np.zeros(n)
            for p in plan.dimension_ungrouped[d]:
                table = tables[p]
                shown += table.shown_table[codes[p]] if table.conditional else table.weight
            for g in plan.dimension_groups[d]:
                group = plan.groups[g]
                if group.conditional:
                    seen = (codes[list(group.items)] != HIDDEN).any(axis=0)
                    shown += np.where(seen, group.weight, 0.0)
                else:
                    shown += group.weight
        np.divide(answered, shown, out=coverage[d])
        score = scores[d]
        np.divide(sums.real, answered, out=score)
        score[~(coverage[d] >= plan.dimension_min_coverage[d])] = np.nan
        if plan.dimension_min_answered[d] > 1:
            count = np.zeros(n)
            for p in plan.dimension_ungrouped[d]:
                if tables[p].weight > 0:
                    count += codes[p] >= 0
            for g, has in zip(plan.dimension_groups[d], answered_groups, strict=True):
                if plan.groups[g].weight > 0:
                    count += has
            score[count < plan.dimension_min_answered[d]] = np.nan
        has_score = scored[d] = score == score  # not NaN
        np.add(own_total, score, out=own_total, where=has_score)
        own_count += has_score
    for a in plan.area_order:
        _composite(plan.areas[a], scores, scores[dims + a], scored)
    for x in plan.index_order:
        _composite(plan.indexes[x], scores, scores[nodes + x], scored)
    last = nodes + len(plan.indexes)
    _composite(plan.overall, scores, scores[last], scored)
    np.divide(own_total, own_count, out=scores[last + 1])


def _sums(lookups: tuple[Lookup, ...], codes: Codes, n: int) -> NDArray[np.complex128]:
    sums = np.zeros(n, dtype=np.complex128)
    for lookup in lookups:
        sums += lookup.table[lookup_index(lookup, codes)]
    return sums


def _group(
    plan: ScoringPlan, g: int, codes: Codes, out: Floats, sums: NDArray[np.complex128]
) -> NDArray[np.bool_]:
    """Score item group ``g`` into ``out`` and add it, as one part, to its dimension's sums.

    Returns where the group was answered (some sub-item of positive weight answered).
    """
    group = plan.groups[g]
    own = _sums(group.lookups, codes, len(out))
    np.divide(own.real, own.imag, out=out)
    answered: NDArray[np.bool_] = own.imag > 0
    sums += np.where(answered, group.weight * out, 0.0) + 1j * np.where(answered, group.weight, 0.0)
    return answered


def lookup_index(lookup: Lookup, codes: Codes) -> Codes:
    """Indexes into a lookup's table: the code itself, or the combined code of its items."""
    first, *rest = zip(lookup.positions, lookup.strides, strict=True)
    if not rest:
        column: Codes = codes[first[0]]
        return column
    index: Codes = codes[first[0]] * np.int16(first[1])  # int16: tables have <= 512 entries
    for p, stride in rest:
        index += codes[p] * np.int16(stride) if stride != 1 else codes[p]
    return index


def _composite(
    composite: Composite, nodes: Floats, out: Floats, scored: dict[int, NDArray[np.bool_]]
) -> None:
    """``out = sum(w * s) / sum(w)`` over the children that have a score (NaN if none)."""
    total, weight = np.zeros(out.shape), np.zeros(out.shape)
    for child, w in zip(composite.children, composite.weights, strict=True):
        score = nodes[child]
        if child not in scored:
            scored[child] = score == score  # not NaN
        has = scored[child]
        np.add(total, score if w == 1 else score * w, out=total, where=has)
        if w == 1:
            weight += has
        else:
            np.add(weight, w, out=weight, where=has)
    np.divide(total, weight, out=out)
