"""Definition checks of the scoring structure: dimensions, item groups, areas, indexes and
the overall index must be able to produce a score.

A structure that cannot work is an error before anybody answers: a part naming an unknown
parent, indexes that include each other in a cycle, weights that sum to 0 (a mean that can
never be computed: the dimension would read "no questions shown" however it was answered),
a dimension that needs more answered items than it has.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from scoring.definition import Area, Definition, Dimension
from scoring.plan import index_cycles


@dataclass(frozen=True)
class DefinitionProblem:
    """One problem of a definition: where (``items[some.id].text``) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def check_structure(d: Definition) -> Iterator[DefinitionProblem]:
    area_ids = {a.id for a in d.areas}
    for dim in d.dimensions:
        scored = [i for i in d.items if i.dimension == dim.id and i.scored]
        if not any(i.dimension == dim.id for i in d.items):
            yield DefinitionProblem(f"dimensions[{dim.id}]", "dimension has no items")
        elif not scored:
            yield DefinitionProblem(f"dimensions[{dim.id}]", "dimension has no scored items")
        if dim.area is not None and dim.area not in area_ids:
            yield DefinitionProblem(f"dimensions[{dim.id}].area", f"unknown area {dim.area!r}")
    parents = {a.id: a.area for a in d.areas}
    for area in d.areas:
        if area.area is not None and area.area not in area_ids:
            yield DefinitionProblem(f"areas[{area.id}].area", f"unknown area {area.area!r}")
        seen, current = {area.id}, area.area
        while current is not None and current in parents:
            if current in seen:
                yield DefinitionProblem(f"areas[{area.id}].area", "areas form a cycle")
                break
            seen.add(current)
            current = parents[current]
    known = {x.id for x in d.dimensions} | area_ids | {x.id for x in d.indexes}
    for index in d.indexes:
        for part in index.of:
            if part not in known:
                yield DefinitionProblem(
                    f"indexes[{index.id}].of", f"unknown dimension, area or index {part!r}"
                )
    stuck = index_cycles(d)
    for index_id in stuck:
        yield DefinitionProblem(
            f"indexes[{index_id}].of",
            f"can never be computed: indexes include each other in a cycle among {stuck}",
        )
    for part in d.scoring.overall_of or []:
        if part not in known:
            yield DefinitionProblem(
                "scoring.overall_of", f"unknown dimension, area or index {part!r}"
            )
    yield from _check_groups(d)
    yield from _check_weights(d)


def _check_groups(d: Definition) -> Iterator[DefinitionProblem]:
    dimension_ids = {x.id for x in d.dimensions}
    for group in d.item_groups:
        path = f"item_groups[{group.id}]"
        members = [i for i in d.items if i.group == group.id]
        if group.dimension not in dimension_ids:
            yield DefinitionProblem(f"{path}.dimension", f"unknown dimension {group.dimension!r}")
        if not members:
            yield DefinitionProblem(path, "item group has no items")
        elif not any(i.scored for i in members):
            yield DefinitionProblem(path, "item group has no scored items")
        elif not math.fsum(i.weight for i in members if i.scored):
            yield DefinitionProblem(
                path, "the weights of its scored items sum to 0: it can never have a value"
            )


def _check_weights(d: Definition) -> Iterator[DefinitionProblem]:
    """Weights that sum to 0 make a mean that can never be computed: a dimension that reads
    "no questions shown" however it was answered, a composite that never has a score."""
    never = "can never have a score"
    groups = {g.id: g for g in d.item_groups}
    for dim in d.dimensions:
        scored = [i for i in d.items if i.dimension == dim.id and i.scored]
        weights = [i.weight for i in scored if i.group not in groups]
        weights += [g.weight for g in d.item_groups if g.dimension == dim.id]
        path = f"dimensions[{dim.id}]"
        if scored and not math.fsum(weights):
            yield DefinitionProblem(path, f"the weights of its scored items sum to 0: it {never}")
            continue
        needed = d.scoring.min_answered if dim.min_answered is None else dim.min_answered
        countable = sum(1 for w in weights if w > 0)
        if scored and needed > countable:
            where = f"{path}.min_answered" if dim.min_answered else "scoring.min_answered"
            yield DefinitionProblem(
                where,
                f"needs {needed} answered items, but {dim.id!r} has only {countable} "
                f"(an item group counts once): it {never}",
            )
    weight = {x.id: x.weight for x in d.dimensions}
    weight |= {a.id: a.weight for a in d.areas} | {x.id: x.weight for x in d.indexes}
    parts: list[Dimension | Area] = [*d.dimensions, *d.areas]
    for area in d.areas:
        children = [p.id for p in parts if p.area == area.id]
        if not children:
            yield DefinitionProblem(f"areas[{area.id}]", "area has no dimensions or areas")
        elif not math.fsum(weight[c] for c in children):
            yield DefinitionProblem(
                f"areas[{area.id}]", f"the weights of its parts sum to 0: it {never}"
            )
    for index in d.indexes:
        known = [weight[p] for p in index.of if p in weight]
        if known and len(known) == len(index.of) and not math.fsum(known):
            yield DefinitionProblem(
                f"indexes[{index.id}].of", f"the weights of its parts sum to 0: it {never}"
            )
    overall = d.scoring.overall_of
    if overall is None:
        overall = [p.id for p in parts if p.area is None]
    known = [weight[p] for p in overall if p in weight]
    if known and len(known) == len(overall) and not math.fsum(known):
        where = "scoring.overall_of" if d.scoring.overall_of else "dimensions"
        yield DefinitionProblem(
            where, f"the weights of the overall index's parts sum to 0: it {never}"
        )
