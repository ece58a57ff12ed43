"""The vectorised scoring path: many responses at once, the same numbers as one at a time.

:func:`score_bulk` is *the* scoring arithmetic; :func:`scoring.profile.score_response` runs it
on a single response. Every step is an elementwise numpy operation applied in a fixed order
(items in definition order, children in definition order), never a reduction whose summation
order could depend on the number of responses, so a response's scores are bit-for-bit the same
alone or among a million. Responses are processed in chunks that fit the CPU cache, which
makes the many small steps cheap and bounds the memory used besides the results.

Per dimension ``d`` with items ``i`` (weights ``w_i``, values ``x_i`` in 0..100)::

    answered = sum(w_i for answered i)         shown = sum(w_i for shown i)
    coverage = answered / shown                 (NaN when nothing is shown)
    score    = sum(w_i * x_i) / answered        (NaN when coverage < min_coverage)

A composite (area, index, overall) is ``sum(w_c * s_c) / sum(w_c)`` over its children ``c``
that have a score; a missing child is skipped, never counted as 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from scoring.definition import Definition
from scoring.encode import AnswerMatrix, Codes, encode_answers
from scoring.plan import Composite, Lookup, ScoringPlan, scoring_plan

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

    def __len__(self) -> int:
        return len(self.overall)

    def bands(self, scores: Floats) -> Bands:
        """Band positions for an array of scores: the last band whose ``min`` <= score."""
        plan = scoring_plan(self.definition)
        result = np.zeros_like(scores, dtype=np.int8)  # the same memory layout: fast loops
        for low in plan.band_mins[1:]:
            result += scores >= low
        result[np.isnan(scores)] = -1
        return result

    def strengths(self) -> NDArray[np.bool_]:
        """Dimensions at or above the definition's ``strength_at``."""
        return self.dimension_scores >= scoring_plan(self.definition).strength_at

    def weaknesses(self) -> NDArray[np.bool_]:
        """Dimensions below the definition's ``weakness_below``."""
        return self.dimension_scores < scoring_plan(self.definition).weakness_below

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
    with np.errstate(divide="ignore", invalid="ignore"):
        for start in range(0, n, CHUNK):
            part = slice(start, start + CHUNK)
            _score_chunk(plan, matrix.codes[:, part], scores[:, part], coverage[:, part])
    scores.flags.writeable = False
    coverage.flags.writeable = False
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
    )


def _score_chunk(plan: ScoringPlan, codes: Codes, scores: Floats, coverage: Floats) -> None:
    """Score one chunk of responses into its rows of ``scores`` and ``coverage``."""
    n = codes.shape[1]
    dims, nodes = len(plan.dimensions), len(plan.dimensions) + len(plan.areas)
    tables = plan.items
    own_total, own_count = np.zeros(n), np.zeros(n)
    scored: dict[int, NDArray[np.bool_]] = {}  # node -> has a score (computed once)
    for d, positions in enumerate(plan.dimension_items):
        # Real part: sum of w * x over answered items; imaginary part: their weight. One
        # lookup gives both (complex addition adds the parts separately, exactly).
        sums = np.zeros(n, dtype=np.complex128)
        for lookup in plan.dimension_lookups[d]:
            sums += lookup.table[lookup_index(lookup, codes)]
        answered = sums.imag
        shown: Floats | float = plan.dimension_shown_weight[d]
        if plan.dimension_conditional[d]:
            shown = np.zeros(n)
            for p in positions:
                table = tables[p]
                shown += table.shown_table[codes[p]] if table.conditional else table.weight
        np.divide(answered, shown, out=coverage[d])
        score = scores[d]
        np.divide(sums.real, answered, out=score)
        score[~(coverage[d] >= plan.min_coverage)] = np.nan
        has = scored[d] = score == score  # not NaN
        np.add(own_total, score, out=own_total, where=has)
        own_count += has
    for a in plan.area_order:
        _composite(plan.areas[a], scores, scores[dims + a], scored)
    for x, index in enumerate(plan.indexes):
        _composite(index, scores, scores[nodes + x], scored)
    last = nodes + len(plan.indexes)
    _composite(plan.overall, scores, scores[last], scored)
    np.divide(own_total, own_count, out=scores[last + 1])


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
