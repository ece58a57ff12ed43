"""The questionnaire definition model: what a definition file may say.

The models are strict (unknown keys are errors, nothing is coerced from the wrong type) and
frozen, because a published version never changes. Cross-references (an item's dimension, a
``show_if`` naming an item, translations for every declared language) are checked in
:mod:`scoring.validation`, which reports every problem at once with its path.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any, TypeVar, cast

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

from scoring.limits import (
    ANSWER_TEXT_LENGTH,
    DEFINITION_TEXT_LENGTH,
    IDENTIFIER_LENGTH,
    ITEM_ID_LENGTH,
    MAX_ITEMS,
    MAX_LANGUAGES,
    MAX_PARTS,
    NUMBER_LIMIT,
    VERSION_LENGTH,
    number_problem,
    text_problem,
)

NOT_APPLICABLE = "na"
"""The stored answer for "don't know / not applicable" on a scale that offers it."""


def _storable_text(value: str) -> str:
    problem = text_problem(value, multiline=True)
    if problem is not None:
        raise PydanticCustomError("text_characters", problem)
    return value


def _bounded_number(value: Any) -> Any:
    """Refuse infinities, NaN and numbers beyond the shared limit before the type check, so
    that ``.inf`` gets one clear message rather than one per member of ``int | float``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        problem = number_problem(value)
        if problem is not None:
            raise PydanticCustomError("number_range", problem)
    return value


LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]
Text = Annotated[
    str,
    StringConstraints(min_length=1, max_length=DEFINITION_TEXT_LENGTH, strip_whitespace=True),
    AfterValidator(_storable_text),
]
LocalizedText = Annotated[dict[LanguageCode, Text], Field(max_length=MAX_LANGUAGES)]
LocalizedList = Annotated[
    dict[LanguageCode, Annotated[list[Text], Field(max_length=MAX_PARTS)]],
    Field(max_length=MAX_LANGUAGES),
]
Identifier = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=IDENTIFIER_LENGTH)
]
ItemId = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$", max_length=ITEM_ID_LENGTH),
]
VersionString = Annotated[
    str, StringConstraints(pattern=r"^[0-9]+(\.[0-9]+){0,2}$", max_length=VERSION_LENGTH)
]
Number = Annotated[
    int | float,
    BeforeValidator(_bounded_number),
    Field(description=f"A finite number from -{NUMBER_LIMIT} to {NUMBER_LIMIT}"),
]
Weight = Annotated[
    float,
    BeforeValidator(_bounded_number),
    Field(ge=0, le=NUMBER_LIMIT, description="Relative weight; 0 switches a part off"),
]
Percent = Annotated[float, Field(ge=0, le=100)]
T = TypeVar("T")


class Strict(BaseModel):
    """Unknown keys are errors, nothing is coerced, nothing changes, every float is finite."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class ItemType(StrEnum):
    SCALE = "scale"
    SINGLE_CHOICE = "single_choice"
    MULTI_CHOICE = "multi_choice"
    NUMBER = "number"
    TEXT = "text"


class Scale(Strict):
    """Ordered answer values with a label per value and language."""

    values: list[Number] = Field(min_length=2, max_length=MAX_PARTS)
    labels: LocalizedList
    not_applicable: bool = False
    not_applicable_label: LocalizedText | None = None


class Choice(Strict):
    """One option of a choice item; ``score`` (0-100) makes the item count in its dimension.

    ``exclusive`` marks an option such as "none of these" that a multi-choice answer cannot
    combine with any other.
    """

    id: Identifier
    label: LocalizedText
    score: Percent | None = None
    exclusive: bool = False


class Dimension(Strict):
    """A scored dimension; its ``id`` is stable across versions so rounds can be compared."""

    id: Identifier
    title: LocalizedText
    description: LocalizedText | None = None
    weight: Weight = 1
    area: Identifier | None = None
    recommendations: LocalizedList = Field(default_factory=dict)
    min_coverage: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="Overrides scoring.min_coverage for this dimension (0: any coverage)",
    )
    min_answered: int | None = Field(
        default=None,
        ge=1,
        le=MAX_ITEMS,
        description="Overrides scoring.min_answered: answered items (a group counts once)",
    )


class Area(Strict):
    """A group of dimensions or other areas; ``area`` names its parent (any depth)."""

    id: Identifier
    title: LocalizedText
    weight: Weight = 1
    area: Identifier | None = None


class Index(Strict):
    """A composite ("lens") over chosen dimensions, areas or other indexes (no cycles);
    ``weight`` counts where another index or the overall index includes it."""

    id: Identifier
    title: LocalizedText
    of: list[Identifier] = Field(min_length=1, max_length=MAX_PARTS)
    weight: Weight = 1


class ItemGroup(Strict):
    """An indicator made of sub-questions (the items naming it in ``group``).

    Its value is the weighted mean of its answered sub-questions; it counts once in its
    dimension, with its own ``weight``, however many of them were answered.
    """

    id: ItemId
    dimension: Identifier
    title: LocalizedText | None = None
    weight: Weight = 1


class Item(Strict):
    id: ItemId
    dimension: Identifier
    type: Annotated[ItemType, Field(strict=False)]
    text: LocalizedText
    help: LocalizedText | None = None
    examples: LocalizedList | None = None
    scale: Identifier | None = None
    choices: Annotated[list[Choice], Field(max_length=MAX_PARTS)] | None = None
    reverse: bool = False
    weight: Weight = 1
    required: bool = True
    show_if: Annotated[str, AfterValidator(_storable_text)] | None = None
    min: Number | None = None
    max: Number | None = None
    max_length: int = Field(default=4000, ge=1, le=ANSWER_TEXT_LENGTH)
    group: ItemId | None = None

    @property
    def scored(self) -> bool:
        """Whether answers to this item count towards its dimension's score."""
        if self.type is ItemType.SCALE:
            return True
        if self.type in (ItemType.SINGLE_CHOICE, ItemType.MULTI_CHOICE):
            return any(choice.score is not None for choice in self.choices or [])
        return False


class Band(Strict):
    """A level: scores from ``min`` up to the next band's ``min`` belong to it."""

    id: Identifier
    min: Percent
    label: LocalizedText


class ScoringRules(Strict):
    min_coverage: float = Field(default=0.5, gt=0, le=1)
    bands: list[Band] = Field(min_length=1, max_length=MAX_PARTS)
    strength_at: Percent = 66.7
    weakness_below: Percent = 40
    min_answered: int = Field(
        default=1, ge=1, le=MAX_ITEMS, description="Answered items a dimension needs for a score"
    )
    overall_of: list[Identifier] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_PARTS,
        description="Parts of the overall index (dimensions, areas, indexes); "
        "default: the top-level areas and the dimensions without an area",
    )


class _Derived:
    """A definition's cache of derived data; not part of its identity, so always "equal"."""

    def __init__(self, owner: int) -> None:
        self.owner = owner
        self.values: dict[str, Any] = {}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Derived)

    def __reduce__(self) -> tuple[type[_Derived], tuple[int]]:
        return _Derived, (0,)  # copies and pickles start empty: the cache holds closures


class Definition(Strict):
    """One version of a questionnaire, as written in its definition file."""

    slug: Identifier
    version: VersionString
    languages: list[LanguageCode] = Field(min_length=1, max_length=MAX_LANGUAGES)
    default_language: LanguageCode
    title: LocalizedText
    description: LocalizedText | None = None
    estimated_minutes: int | None = Field(default=None, ge=1, le=600)
    scales: dict[Identifier, Scale] = Field(default_factory=dict, max_length=MAX_PARTS)
    dimensions: list[Dimension] = Field(min_length=1, max_length=MAX_PARTS)
    areas: list[Area] = Field(default_factory=list, max_length=MAX_PARTS)
    indexes: list[Index] = Field(default_factory=list, max_length=MAX_PARTS)
    item_groups: list[ItemGroup] = Field(default_factory=list, max_length=MAX_ITEMS)
    items: list[Item] = Field(min_length=1, max_length=MAX_ITEMS)
    scoring: ScoringRules
    comparable_with: list[VersionString] = Field(default_factory=list, max_length=MAX_PARTS)

    _items: dict[str, Item] = PrivateAttr(default_factory=dict)
    _dimensions: dict[str, Dimension] = PrivateAttr(default_factory=dict)
    _derived: _Derived = PrivateAttr(default_factory=lambda: _Derived(0))

    def model_post_init(self, context: Any, /) -> None:
        self._items = {item.id: item for item in self.items}
        self._dimensions = {dimension.id: dimension for dimension in self.dimensions}

    def derived(self, key: str, build: Callable[[Definition], T]) -> T:
        """Data built once from this definition and kept with it (e.g. scoring tables).

        A definition never changes, so whatever is computed from it stays valid; the owner
        check drops what a ``model_copy`` would otherwise share with the copy it came from.
        """
        if self._derived.owner != id(self):
            self._derived = _Derived(id(self))
        values = self._derived.values
        if key not in values:
            values[key] = build(self)
        return cast(T, values[key])

    def item(self, item_id: str) -> Item:
        return self._items[item_id]

    def dimension(self, dimension_id: str) -> Dimension:
        return self._dimensions[dimension_id]

    def items_of(self, dimension_id: str) -> list[Item]:
        """The items of a dimension in definition order."""
        return [item for item in self.items if item.dimension == dimension_id]

    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON form; equal content gives an equal hash.

        Defaults are left out, so that a new optional field in a later release of this model
        does not change the hash of versions published before it (they would no longer load).
        """
        canonical = json.dumps(
            self.model_dump(mode="json", exclude_defaults=True),
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
