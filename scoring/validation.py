"""Validation of questionnaire definitions: every problem at once, each with its path.

A path names list entries by their id where they have one (``items[leadership.mandate].text``),
so an author finds the spot without counting. The caller (the CLI, the loader) prefixes the
file name; this module does no I/O.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

from pydantic import ValidationError

from scoring.condition_checks import literal_problems
from scoring.conditions import ConditionSyntaxError, parse_condition
from scoring.definition import Definition, ItemType
from scoring.limits import MAX_PROBLEMS, SHORT, shorten
from scoring.structure_checks import DefinitionProblem, check_structure
from scoring.texts import text_fields
from scoring.visibility import show_if_cycles


class InvalidDefinition(ValueError):
    """A definition with one or more problems; ``problems`` lists all of them."""

    def __init__(self, problems: Sequence[DefinitionProblem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


def parse_definition(data: Any) -> Definition:
    """Validate raw definition data (as loaded from YAML or JSON) into a :class:`Definition`.

    Raises :class:`InvalidDefinition` with every problem found in one run: where the model
    refuses some values (a blank text, a negative weight), the cross checks still run on the
    rest (see :func:`_problems_beyond`), so that fixing one problem does not reveal the next.
    """
    if not isinstance(data, Mapping):
        raise InvalidDefinition([DefinitionProblem("", "a definition must be a mapping of keys")])
    try:
        definition = Definition.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        problems = [DefinitionProblem(format_path(data, e["loc"]), _message(e)) for e in errors]
        raise InvalidDefinition(_bounded(problems + _problems_beyond(data, errors))) from None
    problems = _bounded(check_definition(definition))
    if problems:
        raise InvalidDefinition(problems)
    return definition


def _bounded(problems: Iterable[DefinitionProblem]) -> list[DefinitionProblem]:
    """At most :data:`~scoring.limits.MAX_PROBLEMS` problems and a line saying there are more:
    a hostile file cannot make the report (or the time to build it) grow without bound."""
    found = list(islice(problems, MAX_PROBLEMS + 1))
    if len(found) > MAX_PROBLEMS:
        found[MAX_PROBLEMS:] = [
            DefinitionProblem("", f"more problems not shown after the first {MAX_PROBLEMS}")
        ]
    return found


def _problems_beyond(data: Any, errors: Sequence[Mapping[str, Any]]) -> list[DefinitionProblem]:
    """Cross-check problems of the data without the values the model refused.

    Each refused value is left out (a key removed, a list entry dropped); when the rest then
    makes a model (nothing required was refused), its cross checks run. A problem that only
    the removal causes (a "missing translation" where a blank text was removed) sits at the
    refused value's path or its parent's, and is not repeated.
    """
    repaired = copy.deepcopy(dict(data))
    drops: dict[tuple[int, int | str], tuple[Any, int | str]] = {}
    covered: set[str] = set()
    for error in errors:
        loc = _data_loc(repaired, error["loc"])
        if not loc or error["type"] == "missing":
            return []  # nothing to leave out: the rest cannot make a model
        covered |= {format_path(data, loc), format_path(data, loc[:-1])}
        parent = repaired
        for key in loc[:-1]:
            parent = parent[key]
        drops[id(parent), loc[-1]] = (parent, loc[-1])
    # list entries from the end, so that earlier indexes of the same list stay valid
    ordered = sorted(drops.values(), key=lambda d: d[1] if isinstance(d[1], int) else -1)
    for parent, key in reversed(ordered):
        if isinstance(parent, dict):
            parent.pop(key, None)
        elif isinstance(key, int):
            del parent[key]
    try:
        partial = Definition.model_validate(repaired)
    except ValidationError:
        return []  # something required was refused: its problem is reported already
    return [p for p in check_definition(partial) if p.path not in covered]


def _data_loc(data: Any, loc: Sequence[int | str]) -> list[int | str]:
    """The part of a pydantic location that exists in the data (its own parts dropped)."""
    found: list[int | str] = []
    node = data
    for key in loc:
        in_mapping = isinstance(node, Mapping) and isinstance(key, str) and key in node
        in_list = isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node)
        if in_mapping or in_list:
            node = node[key]
            found.append(key)
    return found


def format_path(data: Any, loc: Sequence[int | str]) -> str:
    """Turn a pydantic location into ``items[some.id].text.en`` using the raw data."""
    parts: list[str] = []
    node = data
    for key in loc:
        if isinstance(key, int) and isinstance(node, list) and 0 <= key < len(node):
            element = node[key]
            label = element.get("id") if isinstance(element, Mapping) else None
            parts.append(f"[{_segment(label)}]" if isinstance(label, str) else f"[{key}]")
            node = element
            continue
        if isinstance(key, str) and key.startswith(("function-", "list[", "dict[", "union[")):
            continue  # pydantic's own location parts for validators and unions
        parts.append(f".{_segment(key)}" if parts else _segment(key))
        node = node.get(key) if isinstance(node, Mapping) else None
    return "".join(parts)


def _segment(key: object) -> str:
    """A path part as written, unless it is long or holds control characters: then quoted
    and abbreviated, so that a hostile key can neither flood nor forge the report."""
    text = str(key)
    return text if text.isprintable() and len(text) <= SHORT else shorten(text)


def _message(error: Mapping[str, Any]) -> str:
    kind, message = error["type"], str(error["msg"])
    if kind == "extra_forbidden":
        return "unknown key"
    is_version = error["loc"][:1] in (("version",), ("comparable_with",))
    if is_version and kind in ("string_pattern_mismatch", "string_too_long"):
        return f'{shorten(error["input"])} is not a version like "1.0" or "2.1.3"'
    if is_version and kind == "string_type":
        return f'{shorten(error["input"])} is not a version string: quote it, e.g. "1.0"'
    if kind == "greater_than_equal" and error["loc"][-1:] == ("weight",):
        return f"weight must not be negative, got {error['input']}"
    if kind == "string_too_short" and isinstance(error["input"], str):
        return "text is blank"
    if kind == "string_unicode":
        return "is not valid UTF-8 text"
    if kind == "finite_number":
        return f"{error['input']!r} is not a finite number"
    return message[0].lower() + message[1:] if message else kind


def check_definition(definition: Definition) -> Iterator[DefinitionProblem]:
    """Cross-reference checks that a single field's type cannot express."""
    yield from _check_languages(definition)
    yield from _check_unique(definition)
    yield from _check_scales(definition)
    yield from _check_items(definition)
    yield from check_structure(definition)
    yield from _check_scoring(definition)


def _check_languages(d: Definition) -> Iterator[DefinitionProblem]:
    if d.default_language not in d.languages:
        yield DefinitionProblem(
            "default_language", f"{d.default_language!r} is not one of languages {d.languages}"
        )
    for path, texts in text_fields(d):
        for language in d.languages:
            if language not in texts:
                yield DefinitionProblem(path, f"missing translation for language {language!r}")
        for language in texts:
            if language not in d.languages:
                yield DefinitionProblem(
                    f"{path}.{language}", f"language {language!r} is not declared in languages"
                )
        yield from _check_list_shapes(d, path, texts)


def _check_list_shapes(
    d: Definition, path: str, texts: Mapping[str, Any]
) -> Iterator[DefinitionProblem]:
    """Translated lists: each declared language has entries, and as many as the default
    language (or else most languages), so that no reader falls back to another language or
    misses an entry."""
    lists = {k: v for k, v in texts.items() if k in d.languages and isinstance(v, list)}
    if not lists or path.endswith(".labels"):
        return  # scale labels are counted against the scale's values
    sizes = Counter(len(v) for v in lists.values() if v)
    usual = 0
    if lists.get(d.default_language):
        usual = len(lists[d.default_language])
    elif sizes:
        usual = max(sizes, key=lambda size: (sizes[size], size))
    for language, entries in lists.items():
        if not entries:
            yield DefinitionProblem(f"{path}.{language}", "empty list: give the translations")
        elif len(entries) != usual:
            others = ", ".join(repr(k) for k, v in lists.items() if len(v) == usual)
            count = "1 entry" if len(entries) == 1 else f"{len(entries)} entries"
            yield DefinitionProblem(f"{path}.{language}", f"{count}, but {usual} in {others}")


def _duplicates(ids: Sequence[str]) -> list[str]:
    return sorted(i for i, n in Counter(ids).items() if n > 1)


def _check_unique(d: Definition) -> Iterator[DefinitionProblem]:
    for kind, ids in (
        ("items", [i.id for i in d.items]),
        ("dimensions", [x.id for x in d.dimensions]),
        ("areas", [a.id for a in d.areas]),
        ("indexes", [x.id for x in d.indexes]),
        ("item_groups", [g.id for g in d.item_groups]),
        ("scoring.bands", [b.id for b in d.scoring.bands]),
    ):
        for duplicate in _duplicates(ids):
            yield DefinitionProblem(f"{kind}[{duplicate}]", f"duplicate id {duplicate!r}")
    clash = {x.id for x in d.dimensions} & {a.id for a in d.areas}
    for both in sorted(clash):
        yield DefinitionProblem(f"areas[{both}]", f"{both!r} is both a dimension and an area id")
    parts = {x.id for x in d.dimensions} | {a.id for a in d.areas}
    for index in d.indexes:
        if index.id in parts:
            yield DefinitionProblem(
                f"indexes[{index.id}]", f"{index.id!r} is also a dimension or area id"
            )
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
    groups = {g.id: g for g in d.item_groups}
    self_dependent: set[str] = set()
    for item in d.items:
        path = f"items[{item.id}]"
        if item.dimension not in dimension_ids:
            yield DefinitionProblem(f"{path}.dimension", f"unknown dimension {item.dimension!r}")
        group = groups.get(item.group or "")
        if item.group is not None and group is None:
            yield DefinitionProblem(f"{path}.group", f"unknown item group {item.group!r}")
        elif group is not None and group.dimension != item.dimension:
            yield DefinitionProblem(
                f"{path}.group",
                f"item group {group.id!r} belongs to dimension {group.dimension!r}, "
                f"the item to {item.dimension!r}",
            )
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
            for message in literal_problems(d, condition):
                yield DefinitionProblem(f"{path}.show_if", message)
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
