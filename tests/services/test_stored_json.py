"""Stored JSON decoded fast gives :func:`json.loads`'s value, or its error, for every text."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.services import stored_json

VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def _same(one: Any, other: Any) -> bool:
    """Equal with the same types throughout (1 == 1.0 == True, NaN != NaN)."""
    if type(one) is not type(other):
        return False
    if isinstance(one, float):
        return one == other or (math.isnan(one) and math.isnan(other))
    if isinstance(one, list):
        return len(one) == len(other) and all(map(_same, one, other))
    if isinstance(one, dict):
        return list(one) == list(other) and all(_same(one[k], other[k]) for k in one)
    return bool(one == other)


@given(VALUES, st.booleans())
def test_any_dumped_value_decodes_as_json_loads_does(value: Any, ascii_only: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)
    assert _same(stored_json.loads(text), json.loads(text))


@pytest.mark.parametrize(
    "text",
    [
        "NaN",
        "[Infinity, -Infinity]",
        "1e400",
        "[18446744073709551616, -9223372036854775809]",
        '"\\ud800"',
        '{"a": 1, "a": 2}',
        '{"x": -0.0, "y": -0, "z": 5e-324}',
        '"\\u0000=1"',
    ],
)
def test_texts_the_fast_decoder_refuses_or_may_read_otherwise(text: str) -> None:
    assert _same(stored_json.loads(text), json.loads(text))


@pytest.mark.parametrize("text", ["", "{", "[1,]", '{"a": 1} x', "\ufeff{}"])
def test_bad_texts_raise_json_errors(text: str) -> None:
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    with pytest.raises(json.JSONDecodeError):
        stored_json.loads(text)
