"""A round export's answer cells, decided once per questionnaire version and labels' language.

A CSV of 100,000 responses x 61 items has six million answer cells; deciding each one afresh
(looking the item up, walking its scale's labels, asking the definition for its visibility
plan, testing the cell for a formula start) cost most of the export. :func:`row_plan` decides
per item, once, what a cell becomes: a code as it is, or its label from a prepared mapping
(code -> label, the same as :func:`label_of`; an unusual value such as a boolean or a list
element of another type falls back to :func:`label_of` itself). Per response only the show_if
conditions are evaluated (the compiled :class:`scoring.VisibilityPlan`), once, and only text
cells are tested for a formula start (:mod:`app.services.spreadsheet`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.services import stored_json
from app.services.answer_records import HIDDEN
from app.services.spreadsheet import FORMULA_TRIGGERS
from scoring import (
    NOT_APPLICABLE,
    Definition,
    Item,
    ItemType,
    VisibilityPlan,
    visibility_plan,
)

_TRIGGERS = frozenset(FORMULA_TRIGGERS)
"""First characters that make a text cell a formula start (all one character long)."""
assert all(len(one) == 1 for one in FORMULA_TRIGGERS)


def _text(texts: Mapping[str, str] | None, language: str, definition: Definition) -> str:
    if not texts:
        return ""
    return texts.get(language) or texts.get(definition.default_language) or ""


def label_of(definition: Definition, item: Item, value: Any, language: str) -> Any:
    """An answer's label in ``language`` (scale label, choice label, "not applicable" label);
    numbers and texts unchanged; several choices joined with ``; ``."""
    if isinstance(value, list):
        return "; ".join(str(label_of(definition, item, one, language)) for one in value)
    if item.type == ItemType.SCALE and item.scale is not None:
        scale = definition.scales[item.scale]
        if value == NOT_APPLICABLE:
            return _text(scale.not_applicable_label, language, definition) or value
        labels = scale.labels.get(language) or scale.labels[definition.default_language]
        for position, allowed in enumerate(scale.values):
            if allowed == value and not isinstance(value, bool):
                return labels[position]
        return value
    for choice in item.choices or []:
        if choice.id == value:
            return _text(choice.label, language, definition)
    return value


def _labels(definition: Definition, item: Item, language: str) -> dict[Any, Any]:
    """Code -> :func:`label_of` for every code the item defines (the first match wins, as
    there)."""
    found: dict[Any, Any] = {}
    if item.type == ItemType.SCALE and item.scale is not None:
        scale = definition.scales[item.scale]
        found[NOT_APPLICABLE] = label_of(definition, item, NOT_APPLICABLE, language)
        for allowed in scale.values:
            if isinstance(allowed, (int, float)) and not isinstance(allowed, bool):
                found.setdefault(allowed, label_of(definition, item, allowed, language))
        return found
    for choice in item.choices or []:
        found.setdefault(choice.id, label_of(definition, item, choice.id, language))
    return found


_PLAIN = (str, int, float)
"""Values whose dict lookup means what ``==`` in :func:`label_of` means (not bool: True == 1)."""


def neutral(cell: str) -> str:
    """:func:`app.services.spreadsheet.neutralise` of a text cell."""
    return "'" + cell if cell[:1] in _TRIGGERS else cell


def neutral_cell(cell: Any) -> Any:
    """:func:`neutral` of a text cell; any other cell as it is."""
    return neutral(cell) if cell.__class__ is str else cell


def _code(value: Any) -> Any:
    """A code cell that is neither a number nor empty: several choices joined, a text
    neutralised."""
    if value.__class__ is list:
        value = ";".join(str(one) for one in value)
    if value.__class__ is str and value[:1] in _TRIGGERS:
        return "'" + value
    return value


@dataclass(frozen=True)
class RowPlan:
    """The answer cells of one questionnaire version in one labels' language (None: codes)."""

    definition: Definition
    language: str | None
    items: tuple[tuple[str, Item, Mapping[Any, Any] | None], ...]
    visibility: VisibilityPlan
    ids: tuple[str, ...]
    """The item ids in questionnaire order."""
    positions: Mapping[str, int]
    """Item id -> its cell's position."""

    def answer_cells(self, answers: Mapping[str, Any], *, neutralised: bool) -> list[Any]:
        """One cell per item in questionnaire order: the code or label, ``hidden: ...`` for an
        answer that a show_if hides (:func:`app.services.answer_records.not_counted`), None for
        no answer; text cells neutralised for CSV when ``neutralised``."""
        if self.language is None and neutralised:
            return self._code_cells(answers)
        hidden = self.visibility.hidden_ids(answers) if answers else ()
        hide = frozenset(hidden) if hidden else None
        cells: list[Any] = []
        append = cells.append
        get = answers.get
        for item_id, item, labels in self.items:
            value = get(item_id)
            if value is None:
                append(None)
                continue
            if labels is not None:
                value = self._label(item, labels, value)
            elif value.__class__ is list:
                value = ";".join(str(one) for one in value)
            if hide is not None and item_id in hide:
                value = f"{HIDDEN}: {value}"
            if neutralised and value.__class__ is str and value[:1] in _TRIGGERS:
                value = "'" + value
            append(value)
        return cells

    def _code_cells(self, answers: Mapping[str, Any]) -> list[Any]:
        """:meth:`answer_cells` in codes, neutralised: most answers are scale values (numbers)
        or none, written as they are in one pass; the rest (texts, lists) are looked at one by
        one, and the few hidden ones are replaced afterwards."""
        cells = [
            value if value is None or value.__class__ is int else _code(value)
            for value in map(answers.get, self.ids)
        ]
        if answers:
            self.mark_hidden(cells, answers, self.visibility.hidden_ids(answers))
        return cells

    def mark_hidden(
        self, cells: list[Any], answers: Mapping[str, Any], hidden: Iterable[str]
    ) -> None:
        """Write ``hidden: <value>`` into the cells of the ``hidden`` items that have an answer
        (the code or label; several choices joined)."""
        get = answers.get
        for item_id in hidden:
            value = get(item_id)
            if value is not None:
                position = self.positions[item_id]
                _id, item, labels = self.items[position]
                if labels is not None:
                    value = self._label(item, labels, value)
                elif value.__class__ is list:
                    value = ";".join(str(one) for one in value)
                cells[position] = f"{HIDDEN}: {value}"

    def joined(self, position: int, choices: list[Any]) -> str:
        """The cell of several choices of the item at ``position``: codes joined with ``;``,
        labels with ``; ``."""
        _id, item, labels = self.items[position]
        if labels is None:
            return ";".join(str(one) for one in choices)
        return "; ".join(str(self._label(item, labels, one)) for one in choices)

    def _label(self, item: Item, labels: Mapping[Any, Any], value: Any) -> Any:
        assert self.language is not None
        if value.__class__ in _PLAIN:
            found = labels.get(value, labels)
            if found is not labels:
                return found
            return label_of(self.definition, item, value, self.language)
        if value.__class__ is list:
            return "; ".join(str(self._label(item, labels, one)) for one in value)
        return label_of(self.definition, item, value, self.language)


def row_plan(definition: Definition, language: str | None) -> RowPlan:
    """The plan for ``definition`` and labels in ``language`` (None: codes), built once and
    kept with the definition (which never changes)."""
    return definition.derived(f"export-row-plan:{language}", lambda d: _build(d, language))


def _build(definition: Definition, language: str | None) -> RowPlan:
    return RowPlan(
        definition,
        language,
        tuple(
            (item.id, item, None if language is None else _labels(definition, item, language))
            for item in definition.items
        ),
        visibility_plan(definition),
        tuple(item.id for item in definition.items),
        {item.id: position for position, item in enumerate(definition.items)},
    )


_FORMULA_IN_JSON = re.compile(r'"[=+\-@\\]')
"""Where a JSON text has a string that starts with a formula trigger (``=+-@``, or an escape:
tab, carriage return, line feed and NUL are always escaped, and so may any character be)."""
assert all(one in "=+-@" or ord(one) < 0x20 for one in FORMULA_TRIGGERS), "JSON escapes < 0x20"

_MEMO_LIMIT = 4096
"""Distinct combinations of the deciding answers whose hidden items :class:`CsvCells` keeps
(a questionnaire's show_if conditions name a few choice questions: a handful)."""


def _as_stored(_value: Any, stored: Any) -> Any:
    """The lookup of a multiple-choice cell in :class:`CsvCells`: its lists are labelled
    afterwards."""
    return stored


class CsvCells:
    """:meth:`RowPlan.answer_cells` neutralised for CSV, from the answers' stored JSON text: the
    same cells, for one export of many responses.

    Most responses' cells are their stored values as they are (codes) or looked up in the
    item's labels: numbers, codes that start with a letter, no answer. Whether a response is
    such a one is decided on the JSON text, which the C search of :class:`str` reads faster
    than Python can look at 60 cells: a decoded text starts with a formula trigger only where
    the JSON has ``"`` followed by one (``=+-@``) or by a backslash (the other triggers are
    escaped), looked for only when one of those characters appears at all; it has a list only
    where it has ``[``, an object only where ``{``, and true or false only where ``true`` or
    ``false`` (labels: ``True`` would find the label of ``1``). If none of them appears except
    for the lists of the multiple-choice items (labelled and joined here) and the object of
    the answers, the cells are taken as they are or as looked up (labels neutralised once);
    otherwise the response goes through :meth:`RowPlan.answer_cells`. The items that show_if
    conditions hide depend only on the answers the conditions name, so they are kept per
    combination of those answers (with their types: ``1`` and ``True`` are equal keys).
    """

    def __init__(self, plan: RowPlan) -> None:
        self.plan = plan
        self.lists = tuple(
            position
            for position, (_id, item, _labels) in enumerate(plan.items)
            if item.type == ItemType.MULTI_CHOICE
        )
        self.lookups: tuple[Callable[[Any, Any], Any], ...] | None = None
        if plan.language is not None:
            self.lookups = tuple(
                _as_stored
                if position in self.lists
                else {code: neutral_cell(label) for code, label in (labels or {}).items()}.get
                for position, (_id, _item, labels) in enumerate(plan.items)
            )
        self.references = plan.visibility.references
        self.hidden: dict[tuple[Any, ...], list[str]] = {}

    def __call__(self, text: str) -> list[Any]:
        plan = self.plan
        answers = stored_json.loads(text)
        if answers.__class__ is not dict or not answers:
            return plan.answer_cells(answers, neutralised=True)
        cells: list[Any] = [*map(answers.get, plan.ids)]
        lists = [position for position in self.lists if cells[position].__class__ is list]
        if (
            text.count("[") != len(lists)
            # one character is found by memchr; a two-character search stops at every quote
            or (
                ("=" in text or "+" in text or "-" in text or "@" in text or "\\" in text)
                and _FORMULA_IN_JSON.search(text)
            )
            or (
                self.lookups is not None
                and (text.count("{") != 1 or "true" in text or "false" in text)
            )
        ):
            return plan.answer_cells(answers, neutralised=True)
        if self.lookups is not None:
            cells = [
                lookup(value, value) for lookup, value in zip(self.lookups, cells, strict=True)
            ]
        for position in lists:
            cells[position] = neutral_cell(plan.joined(position, cells[position]))
        plan.mark_hidden(cells, answers, self._hidden_ids(answers))
        return cells

    def _hidden_ids(self, answers: dict[str, Any]) -> list[str]:
        deciding = tuple(map(answers.get, self.references))
        key = (*deciding, *map(type, deciding))
        try:
            return self.hidden[key]
        except KeyError:
            pass
        except TypeError:  # a list or another unhashable value among them
            return self.plan.visibility.hidden_ids(answers)
        hidden = self.plan.visibility.hidden_ids(answers)
        if len(self.hidden) < _MEMO_LIMIT:
            self.hidden[key] = hidden
        return hidden
