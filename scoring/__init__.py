"""Integration Radar's scoring core: a pure library.

It holds the questionnaire definition model, its validation, the ``show_if`` expression
language and (in later modules) the scoring of answers into profiles. It imports only the
standard library, pydantic and numpy: no web framework, no database, no file I/O, so that other
tools can use it on their own.
"""

from scoring.definition import (
    Area,
    Band,
    Choice,
    Definition,
    Dimension,
    Index,
    Item,
    ItemType,
    Scale,
    ScoringRules,
)
from scoring.validation import DefinitionProblem, InvalidDefinition, parse_definition

__all__ = [
    "Area",
    "Band",
    "Choice",
    "Definition",
    "DefinitionProblem",
    "Dimension",
    "Index",
    "InvalidDefinition",
    "Item",
    "ItemType",
    "Scale",
    "ScoringRules",
    "parse_definition",
]
