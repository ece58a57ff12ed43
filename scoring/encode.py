"""Stored answers (JSON dicts, item id -> value) to a compact array of answer codes.

This is the one step of scoring that must touch every answer of every response in Python,
so it costs far more than the arithmetic that follows (see ``docs/performance.md``); that is
why dashboards read stored scores instead of rescoring. The result, an :class:`AnswerMatrix`,
holds one small integer per scored item and response (codes are explained in
:mod:`scoring.plan`), item-major so that each item's answers are contiguous for numpy.

Encoding refuses what it cannot read instead of counting it as unanswered: a value that is
not a valid answer to a scored item (outside its choices or scale, of the wrong type, an
exclusive option combined with others) or an answer to an unknown item raises
:class:`~scoring.answers.UnscorableAnswers`, naming the items and their allowed values as
:func:`~scoring.answers.validate_answers` does. Answers to items hidden by ``show_if`` are
coded :data:`~scoring.plan.HIDDEN`: kept in the response, not scored.
"""

from __future__ import annotations

import array
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import numpy as np
from numpy.typing import NDArray

from scoring.answers import UnscorableAnswers, check_answer, unscorable
from scoring.definition import Definition, Item, ItemType
from scoring.plan import HIDDEN, MISSING, NOT_APPLICABLE_CODE, ItemTable, scoring_plan
from scoring.visibility import VisibilityPlan, visibility_plan

Codes = NDArray[np.signedinteger[Any]]
MAX_REMEMBERED_SELECTIONS = 4096
UNREADABLE = -128
"""Marks an answer that no code table holds; the response is then refused."""


@dataclass(frozen=True, eq=False)
class AnswerMatrix:
    """Answer codes of many responses to one definition: ``codes[item, response]``."""

    definition: Definition
    codes: Codes

    def __post_init__(self) -> None:
        plan = scoring_plan(self.definition)
        if self.codes.ndim != 2 or self.codes.shape[0] != len(plan.items):
            raise ValueError(
                f"codes must have shape ({len(plan.items)}, responses), got {self.codes.shape}"
            )
        if self.codes.dtype != np.dtype(plan.code_dtype):
            raise ValueError(f"codes must be {np.dtype(plan.code_dtype)}, got {self.codes.dtype}")
        limits = np.array([len(t.levels) for t in plan.items], dtype=self.codes.dtype)
        bad = (self.codes < HIDDEN) | (self.codes >= limits[:, np.newaxis])
        if bad.any():
            table = plan.items[int(np.nonzero(bad.any(axis=1))[0][0])]
            raise ValueError(
                f"codes of item {table.item_id!r} must lie in {HIDDEN}..{len(table.levels) - 1}"
            )
        self.codes.flags.writeable = False

    @property
    def item_ids(self) -> tuple[str, ...]:
        """The scored items, one per row of :attr:`codes`: single-valued items in definition
        order, then multi-choice items (the order of :func:`scoring.plan.scoring_plan`)."""
        return tuple(t.item_id for t in scoring_plan(self.definition).items)

    def __len__(self) -> int:
        return int(self.codes.shape[1])


def answer_code(table: ItemTable, value: Any) -> int:
    """The code of one answer to a scored item (:data:`MISSING` when absent or not valid)."""
    if value is None or isinstance(value, bool):
        return MISSING
    if table.kind is ItemType.MULTI_CHOICE:
        return _multi_choice_code(table, value)
    try:
        return table.codes.get(value, MISSING)
    except TypeError:  # unhashable, e.g. a list given to a scale item
        return MISSING


def _multi_choice_code(table: ItemTable, value: Any) -> int:
    if not isinstance(value, list | tuple):
        return MISSING
    scores = table.choice_scores
    if not all(isinstance(v, str) and v in scores for v in value) or len(set(value)) != len(value):
        return MISSING
    if len(value) > 1 and not table.exclusive.isdisjoint(value):
        return MISSING
    scored = [s for s in (scores[v] for v in value) if s is not None]
    if value and not scored:
        return NOT_APPLICABLE_CODE
    return table.level_codes[min(100.0, math.fsum(scored))]


def _slow_row(tables: list[ItemTable], values: list[Any]) -> list[int]:
    """Codes one by one; an UNREADABLE at the end when a given answer was coded MISSING."""
    row = list(map(answer_code, tables, values))
    if row.count(MISSING) != values.count(None):
        row.append(UNREADABLE)
    return row


def encode_answers(definition: Definition, responses: Iterable[Mapping[str, Any]]) -> AnswerMatrix:
    """Encode stored answers into an :class:`AnswerMatrix` (one plain loop over the dicts)."""
    plan = scoring_plan(definition)
    encode = row_encoder(definition)
    buffer = array.array("b" if plan.code_dtype is np.int8 else "h")
    count = 0
    for answers in responses:
        buffer.fromlist(encode(answers, count))
        count += 1
    codes = np.frombuffer(buffer, dtype=plan.code_dtype).reshape(count, len(plan.items))
    return AnswerMatrix(definition, np.ascontiguousarray(codes.T))


def encode_response(definition: Definition, answers: Mapping[str, Any]) -> list[int]:
    """The answer codes of one response, in the order of the plan's items (a column of the
    :class:`AnswerMatrix` that :func:`encode_answers` would make), refusing the same answers.

    >>> from scoring.definition import Definition
    >>> d = Definition.model_validate({
    ...     "slug": "demo", "version": "1.0", "languages": ["en"], "default_language": "en",
    ...     "title": {"en": "Demo"},
    ...     "scales": {"agree": {"values": [1, 2, 3], "labels": {"en": list("abc")}}},
    ...     "scoring": {"bands": [{"id": "all", "min": 0, "label": {"en": "All"}}]},
    ...     "dimensions": [{"id": "d", "title": {"en": "D"}}],
    ...     "items": [{"id": f"q{n}", "dimension": "d", "type": "scale", "scale": "agree",
    ...                "text": {"en": "?"}} for n in (1, 2)]})
    >>> encode_response(d, {"q1": 3})
    [2, -1]
    """
    return row_encoder(definition)(answers, None)


@dataclass(frozen=True, eq=False)
class _Encoding:
    """What encoding needs from a definition, built once (the definition never changes)."""

    visibility: VisibilityPlan
    position: Mapping[str, int]
    single: list[ItemTable]
    multi: tuple[ItemTable, ...]
    ids: list[str]
    known: frozenset[str]
    deciding_items: list[Item]
    code_tables: list[dict[Any, int]]


def _encoding(definition: Definition) -> _Encoding:
    plan = scoring_plan(definition)
    visibility = visibility_plan(definition)
    position = {t.item_id: p for p, t in enumerate(plan.items)}
    # Single-valued items come first in the plan: their codes are found by dict lookups that
    # map() drives from C, with no Python frame per item. Multi-choice items (lists) follow.
    single = [t for t in plan.items if t.kind is not ItemType.MULTI_CHOICE]
    return _Encoding(
        visibility=visibility,
        position=position,
        single=single,
        multi=plan.items[len(single) :],
        ids=[t.item_id for t in single],
        known=frozenset(item.id for item in definition.items),
        # not scored, but conditions name them: they decide what is shown, so what is scored
        deciding_items=[definition.item(i) for i in visibility.references if i not in position],
        # None (unanswered) is looked up like an answer; whatever is not in a table is UNREADABLE
        code_tables=[{**t.codes, None: MISSING} for t in single],
    )


def row_encoder(definition: Definition) -> Callable[[Mapping[str, Any], int | None], list[int]]:
    """A function from one response's answers (and its position in a batch, named by
    :class:`UnscorableAnswers`; ``None`` alone) to its codes.

    The encoder remembers the codes of multi-choice selections and what combinations of
    deciding answers hide, so one encoder serves a whole batch; the tables behind it are
    built once per definition.
    """
    static = definition.derived("answer-encoding", _encoding)
    visibility = static.visibility
    conditional = bool(visibility.conditional or visibility.cyclic)
    references = visibility.references
    position, single, multi = static.position, static.single, static.multi
    ids, known, code_tables = static.ids, static.known, static.code_tables
    deciding_items = static.deciding_items
    lookup: Callable[[Mapping[Any, int], Any, int], int] = dict.get  # type: ignore[assignment]
    selections: list[dict[tuple[Any, ...], int]] = [{} for _ in multi]
    decided: dict[tuple[Any, ...], list[str]] = {}

    def encode(answers: Mapping[str, Any], count: int | None) -> list[int]:
        values = list(map(answers.get, ids))
        row: list[int]
        # True == 1 as a dict key, and lists are unhashable: such answers take the slow path.
        if bool in map(type, values):
            row = _slow_row(single, values)
        else:
            try:
                row = list(map(lookup, code_tables, values, repeat(UNREADABLE)))
            except TypeError:
                row = _slow_row(single, values)
        if UNREADABLE in row or not known.issuperset(answers):
            _refuse(definition, answers, count)
            # readable after all (e.g. a number type the tables do not hold): not scored
            row = [MISSING if c == UNREADABLE else c for c in row[: len(single)]]
        for table, seen in zip(multi, selections, strict=True):
            value = answers.get(table.item_id)
            try:  # the same few selections recur across responses: remember their codes
                key = tuple(value) if isinstance(value, list) else None
                code = seen[key] if key is not None and key in seen else None
            except TypeError:  # unhashable options; answer_code reports them as MISSING
                key = code = None
            if code is None:
                code = answer_code(table, value)
                if key is not None and len(seen) < MAX_REMEMBERED_SELECTIONS:
                    seen[key] = code
            if code == MISSING and value is not None:
                _refuse(definition, answers, count)
            row.append(code)
        if conditional:
            # What is hidden depends only on the answers that conditions name: remember it.
            # Those answers decide scores too, so they must be readable: each combination is
            # checked once (and every time it has true/false, which hashes like 1/0).
            deciding = tuple(map(answers.get, references))
            try:
                if bool in map(type, deciding):
                    raise TypeError
                hidden = decided[deciding]
            except KeyError:
                _check_deciding(definition, answers, deciding_items, count)
                hidden = decided[deciding] = visibility.hidden_ids(answers)
                if len(decided) > MAX_REMEMBERED_SELECTIONS:
                    decided.clear()
            except TypeError:  # an unhashable answer (a list) among them
                _check_deciding(definition, answers, deciding_items, count)
                hidden = visibility.hidden_ids(answers)
            for item_id in hidden:
                p = position.get(item_id)
                if p is not None:
                    row[p] = HIDDEN
        return row

    return encode


def _refuse(definition: Definition, answers: Mapping[str, Any], response: int | None) -> None:
    """Raise :class:`UnscorableAnswers` naming every answer of the response that scoring
    cannot read (called when a cheap test found a sign of one)."""
    problems = unscorable(definition, answers)
    if problems:
        raise UnscorableAnswers(problems, response)


def _check_deciding(
    definition: Definition, answers: Mapping[str, Any], items: list[Item], response: int | None
) -> None:
    """Refuse the response if an answer to one of these (unscored, deciding) items is invalid."""
    for item in items:
        value = answers.get(item.id)
        if value is not None and check_answer(definition, item, value) is not None:
            _refuse(definition, answers, response)
