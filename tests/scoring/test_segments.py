"""Summaries of many segments at once equal :func:`scoring.summarise` of each, bit for bit:
the dashboard's first view summarises a round in bulk, the result page one organisation."""

from __future__ import annotations

import numpy as np
import pytest

from scoring import Summary, summarise_segments
from scoring.stats import summarise


def _bits(summary: Summary) -> tuple[object, ...]:
    """Every field, floats as their exact hexadecimal form (so -0.0 differs from 0.0)."""
    return tuple(v.hex() if isinstance(v, float) else v for v in vars(summary).values())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_segment_equals_summarise_of_its_values(seed: int) -> None:
    rng = np.random.default_rng(seed)
    size = 400
    # lengths around numpy's pairwise-summation blocks (8, 128) and beyond, empty ones too
    lengths = rng.choice([0, 1, 2, 3, 7, 8, 9, 100, 127, 128, 129, 255, 257, 600], size)
    segments = np.repeat(np.arange(size), lengths)
    # scores as stored: fractions of thirds and sevenths, whole numbers, extremes
    values = rng.choice([1.0, 1 / 3, 1 / 7], segments.size) * rng.uniform(0, 100, segments.size)
    values[rng.random(values.size) < 0.1] = rng.choice([0.0, 100.0, 50.0])
    values[rng.random(values.size) < 0.05] = np.nan  # a missing score
    shuffled = rng.permutation(values.size)
    values, segments = values[shuffled], segments[shuffled]
    found = summarise_segments(values, segments, size).summaries()
    for segment in range(size):
        own = values[(segments == segment) & ~np.isnan(values)]
        assert _bits(found[segment]) == _bits(summarise(own)), segment


def test_segments_without_values_and_with_one() -> None:
    found = summarise_segments(np.array([5.0, np.nan]), np.array([1, 2]), 3).summaries()
    assert found[0] == Summary(0, None, None, None, None, None, None)
    assert found[1] == Summary(1, 5.0, 5.0, None, 5.0, 5.0, None)
    assert found[2].n == 0


def test_bad_segments_are_refused() -> None:
    with pytest.raises(ValueError, match=r"segment ids must lie in 0\.\.1"):
        summarise_segments(np.array([1.0]), np.array([2]), 2)
    with pytest.raises(ValueError, match="differ in shape"):
        summarise_segments(np.array([1.0, 2.0]), np.array([0]), 1)
