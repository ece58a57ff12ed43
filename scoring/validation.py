"""Validation of questionnaire definitions: every problem at once, each with its path.

A path names list entries by their id where they have one (``items[leadership.mandate].text``),
so an author finds the spot without counting. The caller (the CLI, the loader) prefixes the
file name; this module does no I/O.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from scoring.conditions import ConditionSyntaxError, parse_condition
from scoring.definition import Definition, ItemType
from scoring.visibility import show_if_cycles


@dataclass(frozen=True)
class DefinitionProblem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class InvalidDefinition(ValueError):
    """A definition with one or more problems; ``problems`` lists all of them."""

    def __init__(self, problems: Sequence[DefinitionProblem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


def parse_definition(data: Any) -> Definition:
    """Validate raw definition data (as loaded from YAML or JSON) into a :class:`Definition`."""
    if not isinstance(data, Mapping):
        raise InvalidDefinition([DefinitionProblem("", "a definition must be a mapping of keys")])
    try:
        definition = Definition.model_validate(data)
    except ValidationError as exc:
        raise InvalidDefinition(
            [DefinitionProblem(format_path(data, e["loc"]), _message(e)) for e in exc.errors()]
        ) from None
    problems = list(check_definition(definition))
    if problems:
        raise InvalidDefinition(problems)
    return definition


def format_path(data: Any, loc: Sequence[int | str]) -> str:
    """Turn a pydantic location into ``items[some.id].text.en`` using the raw data."""
    parts: list[str] = []
    node = data
    for key in loc:
        if isinstance(key, int) and isinstance(node, list) and 0 <= key < len(node):
            element = node[key]
            label = element.get("id") if isinstance(element, Mapping) else None
            parts.append(f"[{label}]" if isinstance(label, str) else f"[{key}]")
            node = element
            continue
        if isinstance(key, str) and key.startswith(("function-", "list[", "dict[", "union[")):
            continue  # pydantic's own location parts for validators and unions
        parts.append(f".{key}" if parts else str(key))
        node = node.get(key) if isinstance(node, Mapping) else None
    return "".join(parts)


def _message(error: Mapping[str, Any]) -> str:
    kind, message = error["type"], str(error["msg"])
    if kind == "extra_forbidden":
        return "unknown key"
    is_version = error["loc"][:1] in (("version",), ("comparable_with",))
    if is_version and kind == "string_pattern_mismatch":
        return f'{error["input"]!r} is not a version like "1.0" or "2.1.3"'
    if is_version and kind == "string_type":
        return f'{error["input"]!r} is not a version string: quote it, e.g. "1.0"'
    if kind == "greater_than_equal" and error["loc"][-1:] == ("weight",):
        return f"weight must not be negative, got {error['input']}"
    return message[0].lower() + message[1:] if message else kind


def check_definition(definition: Definition) -> Iterator[DefinitionProblem]:
    """Cross-reference checks that a single field's type cannot express."""
    yield from _check_languages(definition)
    yield from _check_unique(definition)
    yield from _check_scales(definition)
    yield from _check_items(definition)
    yield from _check_structure(definition)
    yield from _check_scoring(definition)


def _check_languages(d: Definition) -> Iterator[DefinitionProblem]:
    if d.default_language not in d.languages:
        yield DefinitionProblem(
            "default_language", f"{d.default_language!r} is not one of languages {d.languages}"
        )
    for path, texts in _texts(d):
        for language in d.languages:
            if language not in texts:
                yield DefinitionProblem(path, f"missing translation for language {language!r}")
        for language in texts:
            if language not in d.languages:
                yield DefinitionProblem(
                    f"{path}.{language}", f"language {language!r} is not declared in languages"
                )


def _texts(d: Definition) -> Iterator[tuple[str, Mapping[str, Any]]]:
    yield "title", d.title
    if d.description:
        yield "description", d.description
    for scale_id, scale in d.scales.items():
        yield f"scales.{scale_id}.labels", scale.labels
        if scale.not_applicable_label:
            yield f"scales.{scale_id}.not_applicable_label", scale.not_applicable_label
    for dim in d.dimensions:
        yield f"dimensions[{dim.id}].title", dim.title
        if dim.description:
            yield f"dimensions[{dim.id}].description", dim.description
        if dim.recommendations:
            yield f"dimensions[{dim.id}].recommendations", dim.recommendations
    for area in d.areas:
        yield f"areas[{area.id}].title", area.title
    for index in d.indexes:
        yield f"indexes[{index.id}].title", index.title
    for item in d.items:
        yield f"items[{item.id}].text", item.text
        for name in ("help", "examples"):
            if getattr(item, name):
                yield f"items[{item.id}].{name}", getattr(item, name)
        for choice in item.choices or []:
            yield f"items[{item.id}].choices[{choice.id}].label", choice.label
    for band in d.scoring.bands:
        yield f"scoring.bands[{band.id}].label", band.label


def _duplicates(ids: Sequence[str]) -> list[str]:
    return sorted(i for i, n in Counter(ids).items() if n > 1)


def _check_unique(d: Definition) -> Iterator[DefinitionProblem]:
    for kind, ids in (
        ("items", [i.id for i in d.items]),
        ("dimensions", [x.id for x in d.dimensions]),
        ("areas", [a.id for a in d.areas]),
        ("indexes", [x.id for x in d.indexes]),
        ("scoring.bands", [b.id for b in d.scoring.bands]),
    ):
        for duplicate in _duplicates(ids):
            yield DefinitionProblem(f"{kind}[{duplicate}]", f"duplicate id {duplicate!r}")
    clash = {x.id for x in d.dimensions} & {a.id for a in d.areas}
    for both in sorted(clash):
        yield DefinitionProblem(f"areas[{both}]", f"{both!r} is both a dimension and an area id")
    if d.version in d.comparable_with:
        yield DefinitionProblem("comparable_with", "a version cannot list itself")


def _check_scales(d: Definition) -> Iterator[DefinitionProblem]:
    for scale_id, scale in d.scales.items():
        path = f"scales.{scale_id}"
        if any(b <= a for a, b in zip(scale.values, scale.values[1:], strict=False)):
            yield DefinitionProblem(f"{path}.values", "values must be strictly increasing")
        for language, labels in scale.labels.items():
            if len(labels) != len(scale.values):
                yield DefinitionProblem(
                    f"{path}.labels.{language}",
                    f"{len(labels)} labels for {len(scale.values)} values",
                )
        if scale.not_applicable and not scale.not_applicable_label:
            yield DefinitionProblem(
                f"{path}.not_applicable_label", "a scale with not_applicable needs its label"
            )


def _check_items(d: Definition) -> Iterator[DefinitionProblem]:
    dimension_ids = {x.id for x in d.dimensions}
    item_ids = {i.id for i in d.items}
    self_dependent: set[str] = set()
    for item in d.items:
        path = f"items[{item.id}]"
        if item.dimension not in dimension_ids:
            yield DefinitionProblem(f"{path}.dimension", f"unknown dimension {item.dimension!r}")
        yield from _check_item_type(d, item.id, path)
        if item.show_if is not None:
            try:
                condition = parse_condition(item.show_if)
            except ConditionSyntaxError as exc:
                yield DefinitionProblem(f"{path}.show_if", str(exc))
                continue
            for reference in sorted(condition.references):
                if reference == item.id:
                    self_dependent.add(item.id)
                    yield DefinitionProblem(f"{path}.show_if", "an item cannot depend on itself")
                elif reference not in item_ids:
                    yield DefinitionProblem(f"{path}.show_if", f"unknown item {reference!r}")
    stuck = show_if_cycles(d) - self_dependent
    for item in d.items:
        if item.id in stuck:
            yield DefinitionProblem(
                f"items[{item.id}].show_if",
                f"can never be decided: show_if conditions form a cycle among {sorted(stuck)}",
            )


def _check_item_type(d: Definition, item_id: str, path: str) -> Iterator[DefinitionProblem]:
    item = d.item(item_id)
    is_choice = item.type in (ItemType.SINGLE_CHOICE, ItemType.MULTI_CHOICE)
    if item.type is ItemType.SCALE:
        if item.scale is None:
            yield DefinitionProblem(f"{path}.scale", "a scale item needs a scale")
        elif item.scale not in d.scales:
            yield DefinitionProblem(f"{path}.scale", f"unknown scale {item.scale!r}")
    elif item.scale is not None:
        yield DefinitionProblem(f"{path}.scale", f"a {item.type.value} item takes no scale")
    if is_choice:
        if not item.choices or len(item.choices) < 2:
            yield DefinitionProblem(f"{path}.choices", "a choice item needs at least two choices")
        for duplicate in _duplicates([c.id for c in item.choices or []]):
            yield DefinitionProblem(f"{path}.choices[{duplicate}]", f"duplicate id {duplicate!r}")
        if item.type is ItemType.SINGLE_CHOICE:
            for choice in item.choices or []:
                if choice.exclusive:
                    yield DefinitionProblem(
                        f"{path}.choices[{choice.id}].exclusive",
                        "only multi-choice options can be exclusive",
                    )
    elif item.choices is not None:
        yield DefinitionProblem(f"{path}.choices", f"a {item.type.value} item takes no choices")
    if item.reverse and item.type is not ItemType.SCALE:
        yield DefinitionProblem(f"{path}.reverse", "only scale items can be reverse-keyed")
    if item.type is not ItemType.NUMBER and (item.min is not None or item.max is not None):
        yield DefinitionProblem(path, "min and max apply to number items only")
    if item.min is not None and item.max is not None and item.min > item.max:
        yield DefinitionProblem(f"{path}.min", f"min {item.min} is greater than max {item.max}")


def _check_structure(d: Definition) -> Iterator[DefinitionProblem]:
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
    known = {x.id for x in d.dimensions} | area_ids
    for index in d.indexes:
        for part in index.of:
            if part not in known:
                yield DefinitionProblem(
                    f"indexes[{index.id}].of", f"unknown dimension or area {part!r}"
                )


def _check_scoring(d: Definition) -> Iterator[DefinitionProblem]:
    mins = [b.min for b in d.scoring.bands]
    if mins != sorted(mins) or len(set(mins)) != len(mins):
        yield DefinitionProblem("scoring.bands", f"bands must be sorted by min, ascending: {mins}")
    if mins and mins[0] != 0:
        yield DefinitionProblem("scoring.bands", "the first band must start at min 0")
    if d.scoring.weakness_below > d.scoring.strength_at:
        yield DefinitionProblem(
            "scoring.weakness_below", "weakness_below must not be above strength_at"
        )
