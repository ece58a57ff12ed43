"""Benchmark of the scoring library; prints JSON (not part of the test run).

What it measures, on the flagship questionnaire (``questionnaires/intercultural-integration``)
with synthetic responses (uniform answers, 5% "not applicable" where a scale offers it,
``show_if`` applied):

* ``bulk``: the vectorised path for 1,000 / 100,000 / 1,000,000 responses, i.e.
  :func:`scoring.score_bulk` on an answer matrix plus the derived profile arrays (bands of all
  scores, strengths, weaknesses, difference to the own mean); best of several runs;
* ``bound``: the same outputs computed the barest way (:func:`bare_profiles`: the library's
  arithmetic with its combined lookups and its cache-sized chunks, read straight from the
  scoring plan, without validation, result objects or helper calls), checked to give the
  same numbers; ``ratio`` is bulk / bound, what the library's structure costs. The runs of
  the library and of the bound alternate, so that a busy machine slows both alike;
* ``weighted_means_seconds``: for the breakdown, only the dimensions' weighted means (lookups,
  sums, one division) in the same chunks: what everything else (coverage, visibility, roll-up,
  bands, strengths and weaknesses) adds on top;
* ``peak_memory_mb``: memory allocated at the peak of one bulk run at the largest size, beyond
  its input (tracemalloc, which numpy reports to), and the process's maximum resident size;
* ``encode``: turning stored answers (JSON dicts) into the answer matrix, per 100,000 dicts,
  next to a plain loop that only reads every answer of every dict;
* ``single``: :func:`scoring.score_response` per response.

Run: ``.venv/bin/python benchmarks/scoring.py [--sizes 1000,100000,1000000] [--encode 100000]``
"""

# ruff: noqa: E402  (sys.path and the thread settings must be fixed before the imports)

from __future__ import annotations

import os
import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path, and this file is also called
# "scoring": put the project root there instead, so that "import scoring" finds the library.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parents[1])

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")  # one core: numpy's elementwise work is single-threaded

import argparse
import json
import platform
import resource
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import yaml

from scoring import (
    AnswerMatrix,
    Definition,
    ItemType,
    encode_answers,
    parse_definition,
    score_bulk,
    score_response,
)
from scoring.bulk import CHUNK, lookup_index
from scoring.definition import NOT_APPLICABLE
from scoring.plan import HIDDEN, MISSING, NOT_APPLICABLE_CODE, ScoringPlan, scoring_plan
from scoring.rounding import round_scores
from scoring.visibility import visibility_plan

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "questionnaires" / "intercultural-integration" / "1.0.yaml"
NOT_APPLICABLE_RATE = 0.05


def synthetic_codes(definition: Definition, n: int, seed: int = 1) -> np.ndarray[Any, Any]:
    """Answer codes of n synthetic responses, with show_if applied to the drawn answers."""
    plan = scoring_plan(definition)
    rng = np.random.default_rng(seed)
    codes = np.empty((len(plan.items), n), dtype=plan.code_dtype)
    for p, table in enumerate(plan.items):
        codes[p] = _draw(definition, table.item_id, len(table.levels), rng, n)
    position = {t.item_id: p for p, t in enumerate(plan.items)}
    for item_id, condition, _ in visibility_plan(definition).conditional:
        references = sorted(condition.references)
        columns = [codes[position[r]] for r in references]
        # evaluate the condition once per combination of the referenced answers
        keys = np.stack(columns).T if columns else np.zeros((n, 0), dtype=plan.code_dtype)
        combos, inverse = np.unique(keys, axis=0, return_inverse=True)
        shown = np.array(
            [
                condition.evaluate(
                    {
                        r: _decode(definition, plan, r, int(c))
                        for r, c in zip(references, combo, strict=True)
                    }
                )
                for combo in combos
            ]
        )
        if item_id in position:
            codes[position[item_id]][~shown[inverse.ravel()]] = HIDDEN
    return codes


def _draw(
    definition: Definition, item_id: str, levels: int, rng: np.random.Generator, n: int
) -> np.ndarray[Any, Any]:
    item = definition.item(item_id)
    drawn = rng.integers(0, levels, n)
    if item.type is ItemType.SCALE and definition.scales[item.scale or ""].not_applicable:
        drawn[rng.random(n) < NOT_APPLICABLE_RATE] = NOT_APPLICABLE_CODE
    return drawn


def _decode(definition: Definition, plan: ScoringPlan, item_id: str, code: int) -> Any:
    """A stored answer that encodes to ``code`` (enough to evaluate conditions)."""
    item = definition.item(item_id)
    table = next(t for t in plan.items if t.item_id == item_id)
    if code in (MISSING, HIDDEN):
        return None
    if item.type is ItemType.SCALE:
        return (
            NOT_APPLICABLE
            if code == NOT_APPLICABLE_CODE
            else next(v for v, c in table.codes.items() if c == code)
        )
    if item.type is ItemType.SINGLE_CHOICE:
        return next(v for v, c in table.codes.items() if c == code)
    raise NotImplementedError(f"conditions on {item.type.value} items are not synthesised")


def decode_answers(definition: Definition, codes: np.ndarray[Any, Any]) -> list[dict[str, Any]]:
    """Stored answer dicts for the benchmark of encoding (multi-choice: one scored option)."""
    plan = scoring_plan(definition)
    decoders = []
    for table in plan.items:
        item = definition.item(table.item_id)
        if item.type is ItemType.MULTI_CHOICE:
            scored = [c.id for c in item.choices or [] if c.score is not None]
            decoders.append(lambda code, ids=scored: [ids[code % len(ids)]])
        else:
            inverse = {c: v for v, c in table.codes.items()}
            decoders.append(lambda code, inverse=inverse: inverse.get(code))
    ids = [t.item_id for t in plan.items]
    extra = {i.id: "free text" for i in definition.items if i.type is ItemType.TEXT}
    rows = codes.T.tolist()
    skip = (MISSING, HIDDEN)  # unanswered; hidden (a stored answer would be ignored anyway)
    return [
        {
            **{i: f(c) for i, f, c in zip(ids, decoders, row, strict=True) if c not in skip},
            **extra,
        }
        for row in rows
    ]


def bare_profiles(plan: ScoringPlan, codes: np.ndarray[Any, Any]) -> list[np.ndarray[Any, Any]]:
    """The bound: everything :func:`bulk_profiles` computes, done the barest way.

    The same arithmetic as the library in the same order (combined lookups, chunks of
    ``scoring.bulk.CHUNK`` responses, item groups as one part each, coverage with ``show_if``,
    each dimension's minimum coverage and answered parts, composites that skip missing children,
    the own mean; then the scores rounded once, bands, strengths and weaknesses on the rounded
    scores and the difference to the own mean over the whole arrays), read straight from the
    scoring plan's tables: no input validation and no result objects. It gives the same numbers,
    which :func:`check_bound` asserts, so the ratio to it is the price of the library's
    structure.
    """
    n = codes.shape[1]
    dims, nodes = len(plan.dimensions), len(plan.dimensions) + len(plan.areas)
    last = nodes + len(plan.indexes)
    scores = np.empty((last + 2, n))
    coverage = np.empty((dims, n))
    groups = np.empty((len(plan.groups), n))
    composites = [(dims + a, plan.areas[a]) for a in plan.area_order]
    composites += [(nodes + x, plan.indexes[x]) for x in plan.index_order]
    composites.append((last, plan.overall))
    with np.errstate(divide="ignore", invalid="ignore"):
        for start in range(0, n, CHUNK):
            part = slice(start, start + CHUNK)
            chunk = (codes[:, part], scores[:, part], coverage[:, part], groups[:, part])
            _bare_chunk(plan, composites, *chunk)
        rounded = round_scores(scores[: last + 1])  # dimensions to overall: one block of rows
        derived: list[np.ndarray[Any, Any]] = []
        for node_scores in (rounded[:dims].T, rounded[dims:nodes].T, rounded[nodes:last].T):
            derived.append(_bands(plan, node_scores))
        derived.append(_bands(plan, rounded[last]))
        dimension_rounded = rounded[:dims].T
        derived.append(dimension_rounded >= plan.strength_at)
        derived.append(dimension_rounded < plan.weakness_below)
        derived.append((scores[:dims] - scores[-1]).T)
    return [scores, coverage, groups, *derived]


def _bands(plan: ScoringPlan, rounded: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    bands = np.zeros_like(rounded, dtype=np.int8)
    for low in plan.band_mins[1:]:
        bands += rounded >= low
    bands[np.isnan(rounded)] = -1
    return bands


def _bare_sums(lookups: Any, codes: np.ndarray[Any, Any], m: int) -> np.ndarray[Any, Any]:
    sums = np.zeros(m, dtype=np.complex128)
    for lookup in lookups:
        index = codes[lookup.positions[0]]
        if len(lookup.positions) > 1:
            index = index * np.int16(lookup.strides[0])
            for p, stride in zip(lookup.positions[1:], lookup.strides[1:], strict=True):
                index += codes[p] * np.int16(stride) if stride != 1 else codes[p]
        sums += lookup.table[index]
    return sums


def _bare_chunk(
    plan: ScoringPlan,
    composites: list[tuple[int, Any]],
    codes: np.ndarray[Any, Any],
    out: np.ndarray[Any, Any],
    coverage: np.ndarray[Any, Any],
    groups: np.ndarray[Any, Any],
) -> None:
    """One chunk of the bound (a function, so that its temporaries are freed per chunk)."""
    m = codes.shape[1]
    own_total, own_count = np.zeros(m), np.zeros(m)
    scored: list[Any] = [None] * len(out)  # node -> has a score, once computed
    for d in range(len(plan.dimensions)):
        sums = _bare_sums(plan.dimension_lookups[d], codes, m)
        answered_groups = []
        for g in plan.dimension_groups[d]:
            group = plan.groups[g]
            own = _bare_sums(group.lookups, codes, m)
            np.divide(own.real, own.imag, out=groups[g])
            has = own.imag > 0
            sums += np.where(has, group.weight * groups[g], 0.0) + 1j * np.where(
                has, group.weight, 0.0
            )
            answered_groups.append(has)
        shown: Any = plan.dimension_shown_weight[d]
        if plan.dimension_conditional[d]:
            shown = np.zeros(m)
            for p in plan.dimension_ungrouped[d]:
                table = plan.items[p]
                shown += table.shown_table[codes[p]] if table.conditional else table.weight
            for g in plan.dimension_groups[d]:
                group = plan.groups[g]
                if group.conditional:
                    seen = (codes[list(group.items)] != HIDDEN).any(axis=0)
                    shown += np.where(seen, group.weight, 0.0)
                else:
                    shown += group.weight
        np.divide(sums.imag, shown, out=coverage[d])
        np.divide(sums.real, sums.imag, out=out[d])
        out[d][~(coverage[d] >= plan.dimension_min_coverage[d])] = np.nan
        if plan.dimension_min_answered[d] > 1:
            count = np.zeros(m)
            for p in plan.dimension_ungrouped[d]:
                if plan.items[p].weight > 0:
                    count += codes[p] >= 0
            for g, has in zip(plan.dimension_groups[d], answered_groups, strict=True):
                if plan.groups[g].weight > 0:
                    count += has
            out[d][count < plan.dimension_min_answered[d]] = np.nan
        has_score = scored[d] = out[d] == out[d]
        np.add(own_total, out[d], out=own_total, where=has_score)
        own_count += has_score
    for row, composite in composites:
        total, weight = np.zeros(m), np.zeros(m)
        for child, w in zip(composite.children, composite.weights, strict=True):
            has = scored[child]
            if has is None:
                has = scored[child] = out[child] == out[child]
            if w == 1:
                np.add(total, out[child], out=total, where=has)
                weight += has
            else:
                np.add(total, out[child] * w, out=total, where=has)
                np.add(weight, w, out=weight, where=has)
        np.divide(total, weight, out=out[row])
    np.divide(own_total, own_count, out=out[-1])


def check_bound(definition: Definition, matrix: AnswerMatrix) -> None:
    """The bound computes exactly the library's numbers (else its ratio would mean nothing)."""
    plan = scoring_plan(definition)
    ours = bare_profiles(plan, matrix.codes)
    bulk = score_bulk(definition, matrix)
    parts = (bulk.dimension_scores, bulk.area_scores, bulk.index_scores, bulk.overall)
    rows = [bulk.dimension_scores.T, bulk.area_scores.T, bulk.index_scores.T]
    library = [
        np.vstack([*rows, bulk.overall, bulk.own_mean]),
        bulk.coverage.T,
        bulk.group_scores.T,
        *(bulk.bands(part) for part in parts),
        bulk.strengths(),
        bulk.weaknesses(),
        bulk.relative(),
    ]
    for mine, theirs in zip(ours, library, strict=True):
        if not np.array_equal(mine, theirs, equal_nan=mine.dtype.kind == "f"):
            raise AssertionError("the bound does not compute the library's numbers")


def weighted_means_only(
    plan: ScoringPlan, codes: np.ndarray[Any, Any]
) -> list[np.ndarray[Any, Any]]:
    """For the breakdown: only the dimensions' weighted means (combined lookups, chunks)."""
    means = np.empty((len(plan.dimensions), codes.shape[1]))
    with np.errstate(divide="ignore", invalid="ignore"):
        for start in range(0, codes.shape[1], CHUNK):
            chunk = codes[:, start : start + CHUNK]
            for d, lookups in enumerate(plan.dimension_lookups):
                sums = np.zeros(chunk.shape[1], dtype=np.complex128)
                for lookup in lookups:
                    sums += lookup.table[lookup_index(lookup, chunk)]
                np.divide(sums.real, sums.imag, out=means[d, start : start + CHUNK])
    return [means]


def bulk_profiles(definition: Definition, matrix: AnswerMatrix) -> None:
    """The bulk path as a dashboard or rebuild uses it: scores plus derived profile arrays."""
    scores = score_bulk(definition, matrix)
    for part in (scores.dimension_scores, scores.area_scores, scores.index_scores, scores.overall):
        scores.bands(part)
    scores.strengths()
    scores.weaknesses()
    scores.relative()


def best(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def best_interleaved(runs: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Best time of each run, the runs taking turns (a busy moment hits all of them)."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: min(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--encode", type=int, default=100_000)
    parser.add_argument("--definition", type=Path, default=FLAGSHIP)
    args = parser.parse_args()
    definition = parse_definition(yaml.safe_load(args.definition.read_text(encoding="utf-8")))
    plan = scoring_plan(definition)
    sizes = [int(s) for s in args.sizes.split(",")]
    report: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "platform": platform.platform(),
        },
        "questionnaire": {
            "slug": definition.slug,
            "version": definition.version,
            "items": len(definition.items),
            "scored_items": len(plan.items),
            "conditional_items": sum(1 for i in definition.items if i.show_if),
            "dimensions": len(plan.dimensions),
            "areas": len(plan.areas),
            "indexes": len(plan.indexes),
        },
        "not_applicable_rate": NOT_APPLICABLE_RATE,
        "bulk": [],
    }
    for n in sizes:
        codes = synthetic_codes(definition, n)
        matrix = AnswerMatrix(definition, codes)
        check_bound(definition, matrix)
        repeat = 5 if n >= 1_000_000 else 15 if n >= 100_000 else 50
        bulk_profiles(definition, matrix)  # warm up: first touch of the result memory
        # the pair that gives the ratio alternates on its own: which other runs come in between
        # changes how the allocator hands out memory, by up to 15% at 100,000 responses
        times = best_interleaved(
            {
                "bulk": lambda m=matrix: bulk_profiles(definition, m),
                "bound": lambda c=codes: bare_profiles(plan, c),
            },
            repeat,
        )
        times |= best_interleaved(
            {
                "scores_only": lambda m=matrix: score_bulk(definition, m),
                "weighted_means": lambda c=codes: weighted_means_only(plan, c),
            },
            repeat,
        )
        report["bulk"].append(
            {
                "responses": n,
                "seconds": round(times["bulk"], 4),
                "bound_seconds": round(times["bound"], 4),
                "ratio": round(times["bulk"] / times["bound"], 2),
                "scores_only_seconds": round(times["scores_only"], 4),
                "weighted_means_seconds": round(times["weighted_means"], 4),
                "responses_per_second": round(n / times["bulk"]),
                "input_mb": round(codes.nbytes / 2**20, 1),
            }
        )
    tracemalloc.start()
    bulk_profiles(definition, matrix)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    report["peak_memory_mb"] = {
        "responses": sizes[-1],
        "bulk_beyond_input": round(peak / 2**20, 1),
        "process_max_rss": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10, 1),
    }
    stored = decode_answers(definition, synthetic_codes(definition, args.encode, seed=2))
    encode_seconds = best(lambda: encode_answers(definition, stored), 3)
    ids = [item.id for item in definition.items]
    plain = best(lambda: [[answers.get(i) for i in ids] for answers in stored], 3)
    report["encode"] = {
        "responses": args.encode,
        "seconds": round(encode_seconds, 3),
        "seconds_per_100k": round(encode_seconds * 100_000 / args.encode, 3),
        "plain_loop_seconds": round(plain, 3),
    }
    sample = stored[:1000]
    single = best(lambda: [score_response(definition, a) for a in sample], 3)
    report["single"] = {
        "responses": len(sample),
        "microseconds_per_response": round(single / len(sample) * 1e6),
    }
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
