"""Scoring tables: what each answer is worth and how scores roll up, built once per definition.

Every scored item gets a small table from *answer code* to value. An answer code is the
position of the answer in the item's list of possible scored answers (scale values, scored
choices, reachable multi-choice totals) or one of three negative sentinels:

* :data:`MISSING` -- shown, but no scored answer (absent, invalid, or a choice without score);
* :data:`NOT_APPLICABLE_CODE` -- shown and answered "not applicable";
* :data:`HIDDEN` -- not shown, because its ``show_if`` does not hold; a stored answer is ignored.

The sentinels sit at the end of each table, so numpy's negative indexing looks them up with no
extra step. The single-response path and the bulk path both read these tables (the former is the
latter with one response), which is why their numbers agree to the last bit.

A table lookup per item and response is the bulk path's main cost, so neighbouring items of a
dimension share one :class:`Lookup`: a table over every combination of their codes (at most
:data:`MAX_LOOKUP_ENTRIES`, small enough to stay in the CPU cache) holding the sum of their
weighted values. Three agreement items take one lookup instead of three.

Normalisation onto 0..100, as described in ``docs/scoring.md`` (kept in percent rather than
0..1 so that round answers give round scores: 55 on a 0..100 scale scores 55, not
55.00000000000001):

* scale: ``100 * (value - min) / (max - min)``; a reverse-keyed item takes ``100 -`` that;
* single choice: the choice's score; a choice without a score is not scored (like N/A);
* multi choice: ``min(100, sum of the chosen scores)``, the sum taken exactly
  (:func:`math.fsum`), so the order of the chosen options never matters; choices without a
  score add nothing, and a selection of only such choices is not scored (like N/A).

>>> from scoring.definition import Scale
>>> scale = Scale(values=[1, 2, 3, 4, 5], labels={"en": ["a", "b", "c", "d", "e"]})
>>> scale_levels(scale, reverse=False)
(0.0, 25.0, 50.0, 75.0, 100.0)
>>> scale_levels(scale, reverse=True)
(100.0, 75.0, 50.0, 25.0, 0.0)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

from scoring.definition import (
    NOT_APPLICABLE,
    Area,
    Choice,
    Definition,
    Dimension,
    Item,
    ItemType,
    Scale,
)

MISSING = -1
NOT_APPLICABLE_CODE = -2
HIDDEN = -3
SENTINELS = 3
MAX_MULTI_CHOICE_LEVELS = 4000
MAX_LOOKUP_ENTRIES = 512


@dataclass(frozen=True, eq=False)
class ItemTable:
    """How one scored item's answers are coded and valued."""

    item_id: str
    kind: ItemType
    dimension: int
    weight: float
    conditional: bool
    codes: Mapping[Any, int]
    """Answer -> code for scale values, "na" and choice ids (empty for multi choice)."""
    choice_scores: Mapping[str, float | None]
    """Multi choice only: each option's score."""
    exclusive: frozenset[str]
    """Multi choice only: options that cannot be combined with others ("none of these")."""
    levels: tuple[float, ...]
    """The 0..100 value of each non-negative code."""
    level_codes: Mapping[float, int]
    """Multi choice only: a reachable 0..100 value -> its code."""
    value_table: NDArray[np.complex128]
    """code -> weight x value (real) + weight if answered (imaginary), sentinels last."""
    shown_table: NDArray[np.float64]
    """code -> weight if shown, sentinels last."""


@dataclass(frozen=True, eq=False)
class Lookup:
    """One table lookup for one or more items of a dimension.

    With several items, the index is ``sum(code * stride)``, a mixed-radix number whose digits
    run from -3 (the sentinels) up, and the entry is the sum of the items' value-table entries,
    added in item order. The table is rotated so that negative indexes, which numpy counts from
    the end, land on their entries. With one item, the table is its value table.
    """

    positions: tuple[int, ...]
    strides: tuple[int, ...]
    table: NDArray[np.complex128]


@dataclass(frozen=True, eq=False)
class GroupPlan:
    """An item group: one value from its sub-items, counted once in its dimension.

    ``lookups`` sum its sub-items like a dimension's (weighted values, answered weight); the
    group's value is their weighted mean, and it enters the dimension with ``weight`` when at
    least one sub-item of positive weight was answered.
    """

    id: str
    dimension: int
    weight: float
    items: tuple[int, ...]
    lookups: tuple[Lookup, ...]
    conditional: bool


@dataclass(frozen=True, eq=False)
class Composite:
    """An area, an index or the overall index: a weighted mean over other nodes.

    Nodes are numbered dimensions first (``0 .. D-1``), then areas (``D ..``), then indexes
    (``D + A ..``), each in definition order.
    """

    id: str
    children: tuple[int, ...]
    weights: tuple[float, ...]


@dataclass(frozen=True, eq=False)
class ScoringPlan:
    """Everything the scoring arithmetic needs from a definition, in array-friendly form."""

    items: tuple[ItemTable, ...]
    dimensions: tuple[str, ...]
    dimension_items: tuple[tuple[int, ...], ...]
    """Every scored item of a dimension, grouped or not (for counting answers)."""
    dimension_ungrouped: tuple[tuple[int, ...], ...]
    dimension_lookups: tuple[tuple[Lookup, ...], ...]
    """Lookups over the items of a dimension that belong to no group."""
    dimension_groups: tuple[tuple[int, ...], ...]
    """Positions in :attr:`groups` of each dimension's item groups."""
    dimension_conditional: tuple[bool, ...]
    dimension_shown_weight: tuple[float, ...]
    """The shown weight of a dimension none of whose items has a condition."""
    dimension_min_coverage: tuple[float, ...]
    dimension_min_answered: tuple[int, ...]
    groups: tuple[GroupPlan, ...]
    areas: tuple[Composite, ...]
    area_order: tuple[int, ...]
    """Area positions with every child area before its parent."""
    indexes: tuple[Composite, ...]
    index_order: tuple[int, ...]
    """Index positions with every index another one includes before it."""
    overall: Composite
    band_ids: tuple[str, ...]
    band_mins: tuple[float, ...]
    min_coverage: float
    strength_at: float
    weakness_below: float
    code_dtype: type[np.signedinteger[Any]]


def scoring_plan(definition: Definition) -> ScoringPlan:
    """The (cached) :class:`ScoringPlan` of a definition."""
    return definition.derived("scoring-plan", _build_plan)


def scale_levels(scale: Scale, *, reverse: bool) -> tuple[float, ...]:
    """Each scale value mapped onto 0..100; reverse-keyed items are flipped."""
    low, high = scale.values[0], scale.values[-1]
    levels = [100 * (value - low) / (high - low) for value in scale.values]
    return tuple(100 - level for level in levels) if reverse else tuple(levels)


def multi_choice_levels(choices: Sequence[Choice]) -> tuple[float, ...]:
    """Every 0..100 value that some selection of these options can reach, ascending.

    Sums are exact fractions capped at 100 on the way (adding never lowers a sum), and
    ``float`` of an exact sum equals :func:`math.fsum` of its parts, which encoding uses.
    """
    totals = {Fraction(0)}
    for choice in choices:
        if choice.score is not None:
            step = Fraction(choice.score)
            totals |= {min(total + step, Fraction(100)) for total in totals}
        if len(totals) > MAX_MULTI_CHOICE_LEVELS:
            raise ValueError(f"more than {MAX_MULTI_CHOICE_LEVELS} reachable multi-choice totals")
    return tuple(sorted({float(total) for total in totals}))


def _item_table(definition: Definition, item: Item, dimension: int) -> ItemTable:
    codes: dict[Any, int] = {}
    choice_scores: dict[str, float | None] = {}
    level_codes: dict[float, int] = {}
    if item.type is ItemType.SCALE:
        scale = definition.scales[item.scale or ""]
        levels = scale_levels(scale, reverse=item.reverse)
        codes = {value: code for code, value in enumerate(scale.values)}
        if scale.not_applicable:
            codes[NOT_APPLICABLE] = NOT_APPLICABLE_CODE
    elif item.type is ItemType.SINGLE_CHOICE:
        scored = [c for c in item.choices or [] if c.score is not None]
        levels = tuple(float(c.score) for c in scored if c.score is not None)
        codes = {c.id: NOT_APPLICABLE_CODE for c in item.choices or []}
        codes.update({c.id: code for code, c in enumerate(scored)})
    else:
        levels = multi_choice_levels(item.choices or [])
        choice_scores = {c.id: c.score for c in item.choices or []}
        level_codes = {level: code for code, level in enumerate(levels)}
    weight = float(item.weight)
    values = np.array([*levels, 0.0, 0.0, 0.0]) * weight
    answered = np.array([weight] * len(levels) + [0.0, 0.0, 0.0])
    shown = np.array([weight] * len(levels) + [0.0, weight, weight])
    for table in (values, answered, shown):
        table.flags.writeable = False
    value_table = values + 1j * answered
    value_table.flags.writeable = False
    return ItemTable(
        item_id=item.id,
        kind=item.type,
        dimension=dimension,
        weight=weight,
        conditional=item.show_if is not None,
        codes=codes,
        choice_scores=choice_scores,
        exclusive=frozenset(c.id for c in item.choices or [] if c.exclusive),
        levels=levels,
        level_codes=level_codes,
        value_table=value_table,
        shown_table=shown,
    )


def _build_plan(definition: Definition) -> ScoringPlan:
    dimension_ids = tuple(d.id for d in definition.dimensions)
    position = {dimension_id: n for n, dimension_id in enumerate(dimension_ids)}
    # Single-valued items first, multi-choice items last: encoding looks the former up in one
    # C-level pass (see scoring.encode); within each kind, definition order.
    scored = [item for item in definition.items if item.scored]
    scored.sort(key=lambda item: item.type is ItemType.MULTI_CHOICE)
    items = tuple(_item_table(definition, item, position[item.dimension]) for item in scored)
    group_of = {item.id: item.group for item in scored}
    groups = _groups(definition, items, group_of, position)
    members = [[p for p, t in enumerate(items) if t.dimension == d] for d in range(len(position))]
    ungrouped = [[p for p in m if group_of[items[p].item_id] is None] for m in members]
    own_groups = [[g for g, x in enumerate(groups) if x.dimension == d] for d in position.values()]
    conditional = tuple(
        any(items[p].conditional for p in u) or any(groups[g].conditional for g in own)
        for u, own in zip(ungrouped, own_groups, strict=True)
    )
    shown_weight = []
    for u, own in zip(ungrouped, own_groups, strict=True):
        total = 0.0
        for p in u:
            total += items[p].weight
        for g in own:
            total += groups[g].weight
        shown_weight.append(total)
    rules = definition.scoring
    longest = max((len(t.levels) for t in items), default=0)
    return ScoringPlan(
        items=items,
        dimensions=dimension_ids,
        dimension_items=tuple(tuple(m) for m in members),
        dimension_ungrouped=tuple(tuple(u) for u in ungrouped),
        dimension_lookups=tuple(_lookups(items, u) for u in ungrouped),
        dimension_groups=tuple(tuple(own) for own in own_groups),
        dimension_conditional=conditional,
        dimension_shown_weight=tuple(shown_weight),
        dimension_min_coverage=tuple(
            float(rules.min_coverage if d.min_coverage is None else d.min_coverage)
            for d in definition.dimensions
        ),
        dimension_min_answered=tuple(
            rules.min_answered if d.min_answered is None else d.min_answered
            for d in definition.dimensions
        ),
        groups=groups,
        **_structure(definition),
        band_ids=tuple(b.id for b in rules.bands),
        band_mins=tuple(float(b.min) for b in rules.bands),
        min_coverage=float(rules.min_coverage),
        strength_at=float(rules.strength_at),
        weakness_below=float(rules.weakness_below),
        code_dtype=np.int8 if longest + SENTINELS <= 127 else np.int16,
    )


def _groups(
    definition: Definition,
    items: Sequence[ItemTable],
    group_of: Mapping[str, str | None],
    position: Mapping[str, int],
) -> tuple[GroupPlan, ...]:
    """The item groups that have scored items, in definition order."""
    result = []
    for group in definition.item_groups:
        members = [p for p, t in enumerate(items) if group_of[t.item_id] == group.id]
        if not members or group.dimension not in position:
            continue  # refused by validation; a group without scored items scores nothing
        result.append(
            GroupPlan(
                id=group.id,
                dimension=position[group.dimension],
                weight=float(group.weight),
                items=tuple(members),
                lookups=_lookups(items, members),
                conditional=any(items[p].conditional for p in members),
            )
        )
    return tuple(result)


def _lookups(items: Sequence[ItemTable], positions: Sequence[int]) -> tuple[Lookup, ...]:
    """Group a dimension's items, in order, into lookups of at most MAX_LOOKUP_ENTRIES."""
    groups: list[list[int]] = []
    size = MAX_LOOKUP_ENTRIES + 1
    for p in positions:
        entries = len(items[p].value_table)
        if size * entries > MAX_LOOKUP_ENTRIES:
            groups.append([])
            size = 1
        groups[-1].append(p)
        size *= entries
    return tuple(_lookup(items, group) for group in groups)


def _lookup(items: Sequence[ItemTable], group: Sequence[int]) -> Lookup:
    if len(group) == 1:
        return Lookup((group[0],), (1,), items[group[0]].value_table)
    # each item's table with the sentinels first, so that code + SENTINELS is the position
    shifted = [np.roll(items[p].value_table, SENTINELS) for p in group]
    table = shifted[0]
    for nxt in shifted[1:]:
        table = (table[..., np.newaxis] + nxt).reshape(-1)
    sizes = [len(t) for t in shifted]
    strides = [int(np.prod(sizes[k + 1 :], dtype=np.int64)) for k in range(len(group))]
    table = np.roll(table, -SENTINELS * sum(strides))  # all codes -3: index -offset -> end
    table.flags.writeable = False
    return Lookup(tuple(group), tuple(strides), table)


def _structure(definition: Definition) -> dict[str, Any]:
    """Areas, indexes and the overall index as composites over node numbers."""
    dims = definition.dimensions
    node = {d.id: n for n, d in enumerate(dims)}
    node.update({a.id: len(dims) + n for n, a in enumerate(definition.areas)})
    first_index = len(dims) + len(definition.areas)
    node.update({i.id: first_index + n for n, i in enumerate(definition.indexes)})
    weight = {d.id: float(d.weight) for d in dims} | {
        a.id: float(a.weight) for a in definition.areas
    }
    weight.update({i.id: float(i.weight) for i in definition.indexes})
    parts: list[Dimension | Area] = [*dims, *definition.areas]

    def composite(composite_id: str, children: Sequence[str]) -> Composite:
        known = [c for c in children if c in node]  # unknown ids are refused by validation
        return Composite(
            composite_id, tuple(node[c] for c in known), tuple(weight[c] for c in known)
        )

    areas = tuple(
        composite(a.id, [p.id for p in parts if p.area == a.id]) for a in definition.areas
    )
    parent = {a.id: a.area for a in definition.areas}

    def depth(area_id: str) -> int:
        level, current, seen = 0, parent.get(area_id), {area_id}
        while current is not None and current not in seen:
            seen.add(current)
            level, current = level + 1, parent.get(current)
        return level

    order = sorted(range(len(areas)), key=lambda n: -depth(definition.areas[n].id))
    overall_of = definition.scoring.overall_of
    if overall_of is None:
        overall_of = [p.id for p in parts if p.area is None]
    return {
        "areas": areas,
        "area_order": tuple(order),
        "indexes": tuple(composite(i.id, i.of) for i in definition.indexes),
        "index_order": index_order(definition),
        "overall": composite("overall", overall_of),
    }


def index_order(definition: Definition) -> tuple[int, ...]:
    """Index positions with every index that another one includes placed before it.

    Indexes that can never be placed, because they include each other in a cycle (which
    validation refuses, see :func:`index_cycles`), come last so that a plan can still be
    built; they then read scores not yet computed (NaN).
    """
    order, stuck = _place_indexes(definition)
    return (*order, *stuck)


def index_cycles(definition: Definition) -> list[str]:
    """Ids of indexes that include themselves, directly or through other indexes."""
    _order, stuck = _place_indexes(definition)
    return [definition.indexes[n].id for n in stuck]


def _place_indexes(definition: Definition) -> tuple[list[int], list[int]]:
    positions = {index.id: n for n, index in enumerate(definition.indexes)}
    pending = {
        n: {positions[part] for part in index.of if part in positions}
        for n, index in enumerate(definition.indexes)
    }
    order: list[int] = []
    placed: set[int] = set()
    progress = True
    while progress:
        progress = False
        for n in [n for n, needs in pending.items() if needs <= placed]:
            order.append(n)
            placed.add(n)
            del pending[n]
            progress = True
    return order, sorted(pending)
