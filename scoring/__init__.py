"""Integration Radar's scoring core: a pure library.

It turns answers to a questionnaire version into the profiles people act on: the definition
model and its validation (:mod:`~scoring.definition`, :mod:`~scoring.validation`), the
``show_if`` language (:mod:`~scoring.conditions`, :mod:`~scoring.visibility`), answer
validation (:mod:`~scoring.answers`), scoring (:mod:`~scoring.plan`, :mod:`~scoring.encode`,
:mod:`~scoring.bulk`, :mod:`~scoring.profile`), group and cohort statistics
(:mod:`~scoring.aggregate`, :mod:`~scoring.cohort`, :mod:`~scoring.stats`) and instrument
quality (:mod:`~scoring.quality`); :mod:`~scoring.rounding` holds the one rounding rule
for every score people read; :mod:`~scoring.texts` lists and merges texts for translators.
It imports only the standard library, pydantic and numpy: no web framework, no database,
no file I/O, so that other tools can use it on their own.
``docs/scoring.md`` describes the rules with a worked example.
"""

from scoring.aggregate import (
    GroupScore,
    OrganisationAggregate,
    aggregate_columns,
    aggregate_organisation,
    aggregate_scores,
)
from scoring.answers import (
    AnswerProblem,
    UnscorableAnswers,
    check_text,
    problems_to_dicts,
    validate_answers,
)
from scoring.bulk import BulkScores, score_bulk
from scoring.cohort import (
    CohortComparison,
    CohortPosition,
    DimensionChange,
    Incomparable,
    OrganisationStanding,
    RoundComparison,
    compare_cohort,
    compare_rounds,
    versions_comparable,
)
from scoring.conditions import Condition, ConditionSyntaxError, parse_condition
from scoring.definition import (
    NOT_APPLICABLE,
    Area,
    Band,
    Choice,
    Definition,
    Dimension,
    Index,
    Item,
    ItemGroup,
    ItemType,
    LanguageCode,
    Scale,
    ScoringRules,
)
from scoring.encode import AnswerMatrix, encode_answers
from scoring.limits import (
    ANSWER_TEXT_LENGTH,
    DEFINITION_DEPTH,
    DEFINITION_FILE_BYTES,
    DEFINITION_NODES,
    IDENTIFIER_LENGTH,
    ITEM_ID_LENGTH,
    LANGUAGE_LENGTH,
    NUMBER_LIMIT,
    VERSION_LENGTH,
    is_surrogate,
    normalise_line_breaks,
    number_problem,
    shorten,
    text_length,
    text_problem,
    unfit_character,
)
from scoring.profile import (
    LOW_COVERAGE,
    NO_ITEMS_SHOWN,
    NO_SCORED_PARTS,
    CompositeScore,
    DimensionScore,
    ItemGroupScore,
    Profile,
    profile_at,
    recommendations,
    recommendations_for,
    score_response,
)
from scoring.quality import (
    THRESHOLDS,
    DimensionQuality,
    Flag,
    ItemQuality,
    ItemReliability,
    QualityReport,
    QualityTally,
    QualityThresholds,
    flagged_items,
    instrument_quality,
)
from scoring.rounding import SCORE_DECIMALS, round_score, round_scores
from scoring.rules import RULES_VERSION
from scoring.stats import Summary
from scoring.structure_checks import DefinitionProblem
from scoring.texts import (
    TextUnit,
    markup_problem,
    source_hash,
    text_fields,
    text_units,
    translated_data,
)
from scoring.validation import InvalidDefinition, parse_definition
from scoring.visibility import visible_items

__all__ = [
    "ANSWER_TEXT_LENGTH",
    "DEFINITION_DEPTH",
    "DEFINITION_FILE_BYTES",
    "DEFINITION_NODES",
    "IDENTIFIER_LENGTH",
    "ITEM_ID_LENGTH",
    "LANGUAGE_LENGTH",
    "LOW_COVERAGE",
    "NOT_APPLICABLE",
    "NO_ITEMS_SHOWN",
    "NO_SCORED_PARTS",
    "NUMBER_LIMIT",
    "RULES_VERSION",
    "SCORE_DECIMALS",
    "THRESHOLDS",
    "VERSION_LENGTH",
    "AnswerMatrix",
    "AnswerProblem",
    "Area",
    "Band",
    "BulkScores",
    "Choice",
    "CohortComparison",
    "CohortPosition",
    "CompositeScore",
    "Condition",
    "ConditionSyntaxError",
    "Definition",
    "DefinitionProblem",
    "Dimension",
    "DimensionChange",
    "DimensionQuality",
    "DimensionScore",
    "Flag",
    "GroupScore",
    "Incomparable",
    "Index",
    "InvalidDefinition",
    "Item",
    "ItemGroup",
    "ItemGroupScore",
    "ItemQuality",
    "ItemReliability",
    "ItemType",
    "LanguageCode",
    "OrganisationAggregate",
    "OrganisationStanding",
    "Profile",
    "QualityReport",
    "QualityTally",
    "QualityThresholds",
    "RoundComparison",
    "Scale",
    "ScoringRules",
    "Summary",
    "TextUnit",
    "UnscorableAnswers",
    "aggregate_columns",
    "aggregate_organisation",
    "aggregate_scores",
    "check_text",
    "compare_cohort",
    "compare_rounds",
    "encode_answers",
    "flagged_items",
    "instrument_quality",
    "is_surrogate",
    "markup_problem",
    "normalise_line_breaks",
    "number_problem",
    "parse_condition",
    "parse_definition",
    "problems_to_dicts",
    "profile_at",
    "recommendations",
    "recommendations_for",
    "round_score",
    "round_scores",
    "score_bulk",
    "score_response",
    "shorten",
    "source_hash",
    "text_fields",
    "text_length",
    "text_problem",
    "text_units",
    "translated_data",
    "unfit_character",
    "validate_answers",
    "versions_comparable",
    "visible_items",
]
