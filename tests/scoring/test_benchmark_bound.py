"""The scoring benchmark's bound computes exactly what the library computes.

``benchmarks/scoring.py`` reports the library's time as a ratio to a bare implementation of the
same arithmetic; that ratio means something only while both give the same numbers, so this
test runs the comparison on more than one chunk of synthetic responses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from benchmarks import scoring as benchmark
from scoring import AnswerMatrix
from scoring.bulk import CHUNK
from tests.scoring.builders import FLAGSHIP, HERE, load

# the project's questionnaires (show_if) and the published-index example (item groups,
# per-dimension coverage rules, an index over an index)
DEFINITIONS = [*sorted(FLAGSHIP.parents[1].glob("*/*.yaml")), HERE / "civic_index.yaml"]


@pytest.mark.parametrize("path", DEFINITIONS, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_bound_gives_the_library_numbers(path: Path) -> None:
    definition = load(path)
    matrix = AnswerMatrix(definition, benchmark.synthetic_codes(definition, CHUNK + 1000))
    benchmark.check_bound(definition, matrix)


def test_bound_check_notices_a_different_number(monkeypatch: pytest.MonkeyPatch) -> None:
    definition = load(FLAGSHIP)
    real = benchmark.bare_profiles

    def one_ulp_off(plan: Any, codes: Any) -> list[Any]:
        arrays = real(plan, codes)
        arrays[0][0, 0] = np.nextafter(arrays[0][0, 0], 200.0)
        return arrays

    monkeypatch.setattr(benchmark, "bare_profiles", one_ulp_off)
    matrix = AnswerMatrix(definition, benchmark.synthetic_codes(definition, 200))
    with pytest.raises(AssertionError, match="does not compute the library's numbers"):
        benchmark.check_bound(definition, matrix)
