"""Benchmark of the scoring library; prints JSON (not part of the test run).

What it measures, on the flagship questionnaire (``questionnaires/intercultural-integration``)
with synthetic responses (uniform answers, 5% "not applicable" where a scale offers it,
``show_if`` applied):

* ``bulk``: the vectorised path for 1,000 / 100,000 / 1,000,000 responses, i.e.
  :func:`scoring.score_bulk` on an answer matrix plus the derived profile arrays (bands of all
  scores, strengths, weaknesses, difference to the own mean); best of several runs;
* ``lower_bound``: bare numpy weighted means per dimension over the *same* arrays (one table
  lookup per item and answer, summed, divided: no coverage, visibility, roll-up or bands),
  measured in the same run; ``ratio`` is bulk / lower bound. The bulk path looks up several
  items at once (see :mod:`scoring.plan`), which makes its sums cheaper than this bound's, so
  ``combined_lookup_bound`` repeats the bound with that trick too: it is the floor of the
  arithmetic as the library does it, and ``ratio_to_combined_lookup_bound`` shows the price of
  everything else (coverage, visibility, roll-up, bands, strengths and weaknesses);
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
from scoring.bulk import lookup_index
from scoring.definition import NOT_APPLICABLE
from scoring.plan import HIDDEN, MISSING, NOT_APPLICABLE_CODE, ScoringPlan, scoring_plan
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


def lower_bound(plan: ScoringPlan, codes: np.ndarray[Any, Any]) -> list[np.ndarray[Any, Any]]:
    """Bare weighted means per dimension over the same arrays: lookup, sum, divide."""
    means = []
    with np.errstate(divide="ignore", invalid="ignore"):
        for positions in plan.dimension_items:
            sums = np.zeros(codes.shape[1], dtype=np.complex128)
            for p in positions:
                sums += plan.items[p].value_table[codes[p]]
            means.append(sums.real / sums.imag)
    return means


def combined_lookup_bound(
    plan: ScoringPlan, codes: np.ndarray[Any, Any]
) -> list[np.ndarray[Any, Any]]:
    """The lower bound with the library's combined lookups (several items per lookup)."""
    means = []
    with np.errstate(divide="ignore", invalid="ignore"):
        for lookups in plan.dimension_lookups:
            sums = np.zeros(codes.shape[1], dtype=np.complex128)
            for lookup in lookups:
                sums += lookup.table[lookup_index(lookup, codes)]
            means.append(sums.real / sums.imag)
    return means


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
        repeat = 3 if n >= 1_000_000 else 7
        bulk_profiles(definition, matrix)  # warm up: first touch of the result memory
        seconds = best(lambda m=matrix: bulk_profiles(definition, m), repeat)
        scores_only = best(lambda m=matrix: score_bulk(definition, m), repeat)
        bound = best(lambda c=codes: lower_bound(plan, c), repeat)
        floor = best(lambda c=codes: combined_lookup_bound(plan, c), repeat)
        report["bulk"].append(
            {
                "responses": n,
                "seconds": round(seconds, 4),
                "scores_only_seconds": round(scores_only, 4),
                "lower_bound_seconds": round(bound, 4),
                "ratio": round(seconds / bound, 2),
                "combined_lookup_bound_seconds": round(floor, 4),
                "ratio_to_combined_lookup_bound": round(seconds / floor, 2),
                "responses_per_second": round(n / seconds),
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
