"""Definitions that cannot work are refused, with every problem in one run.

Before: an empty translated list (``en: []`` beside ``de: [...]``) validated and English pages
fell back to German; a blank text stopped validation early so that later problems showed only
on the next run; a dimension whose item weights sum to 0 validated and then read "no
questions shown" although both were answered; a ``show_if`` comparing with a misspelt choice
id validated and could never be true.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from scoring import InvalidDefinition, parse_definition
from tests.helpers import minimal_definition

Data = dict[str, Any]


def problems(change: Callable[[Data], object]) -> list[str]:
    data = minimal_definition()
    change(data)
    with pytest.raises(InvalidDefinition) as caught:
        parse_definition(data)
    return [str(p) for p in caught.value.problems]


def item(data: Data, item_id: str) -> Data:
    return next(i for i in data["items"] if i["id"] == item_id)


def dim(data: Data, dimension_id: str) -> Data:
    return next(d for d in data["dimensions"] if d["id"] == dimension_id)


# --- every declared language has non-empty content of the same shape -------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(
            lambda d: dim(d, "leadership")["recommendations"].update(en=[]),
            "dimensions[leadership].recommendations.en: empty list: give the translations",
            id="empty-recommendations",
        ),
        pytest.param(
            lambda d: dim(d, "leadership")["recommendations"].update(de=["Eins", "Zwei"]),
            "dimensions[leadership].recommendations.de: 2 entries, but 1 in 'en'",
            id="recommendations-of-another-length",
        ),
        pytest.param(
            lambda d: item(d, "services.training").update(examples={"de": ["Kurs"], "en": []}),
            "items[services.training].examples.en: empty list: give the translations",
            id="empty-examples",
        ),
        pytest.param(
            lambda d: d["scales"]["agreement"]["labels"].update(en=[]),
            "scales.agreement.labels.en: 0 labels for 5 values",
            id="empty-scale-labels",
        ),
        pytest.param(
            lambda d: dim(d, "leadership")["recommendations"].update(en=["Do", "  "]),
            "dimensions[leadership].recommendations.en[1]: text is blank",
            id="blank-entry",
        ),
    ],
)
def test_translated_lists_have_the_same_shape(
    change: Callable[[Data], object], expected: str
) -> None:
    assert expected in problems(change)


def test_recommendations_may_be_left_out_in_every_language() -> None:
    data = minimal_definition()
    dim(data, "leadership").pop("recommendations")
    assert parse_definition(data).dimension("leadership").recommendations == {}


# --- all problems in one run -------------------------------------------------------------


def test_a_blank_text_does_not_hide_the_other_problems() -> None:
    def change(d: Data) -> None:
        d["title"]["en"] = "   "  # refused by the model
        item(d, "services.training")["dimension"] = "housing"  # a cross-reference problem
        item(d, "leadership.budget_size")["show_if"] = "leadership.has_budget == 'yse'"

    found = problems(change)
    assert found == [
        "title.en: text is blank",
        "items[leadership.budget_size].show_if: 'yse' is not a choice of "
        "leadership.has_budget (choices: 'yes', 'no') (at position 26)",
        "items[services.training].dimension: unknown dimension 'housing'",
        "dimensions[services]: dimension has no items",
    ]  # and no "missing translation for 'en'" caused by leaving the blank title out


@pytest.mark.parametrize(
    "refused",
    [
        pytest.param(lambda d: item(d, "leadership.mandate").update(weight=-1), id="weight"),
        pytest.param(lambda d: d.update(colour="blue"), id="unknown-key"),
        pytest.param(lambda d: item(d, "leadership.mandate").update(show_if=3), id="type"),
        pytest.param(lambda d: dim(d, "services").update(min_coverage=2), id="range"),
        pytest.param(lambda d: dim(d, "leadership")["recommendations"]["de"].append(""), id="list"),
    ],
)
def test_every_model_problem_comes_with_the_cross_checks(
    refused: Callable[[Data], object],
) -> None:
    def change(d: Data) -> None:
        refused(d)
        item(d, "services.training")["scale"] = "frequency"

    found = problems(change)
    assert len(found) == 2, found
    assert "items[services.training].scale: unknown scale 'frequency'" in found


# --- weights that sum to 0 ---------------------------------------------------------------


def test_item_weights_summing_to_0_are_an_error() -> None:
    def change(d: Data) -> None:
        for item_id in ("leadership.mandate", "leadership.has_budget", "leadership.budget_size"):
            item(d, item_id)["weight"] = 0

    assert problems(change) == [
        "dimensions[leadership]: the weights of its scored items sum to 0: "
        "it can never have a score"
    ]


def test_one_item_of_weight_0_among_others_is_fine() -> None:
    data = minimal_definition()
    item(data, "leadership.mandate")["weight"] = 0
    assert parse_definition(data).item("leadership.mandate").weight == 0


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(
            lambda d: [x.update(weight=0) for x in d["dimensions"]],
            "dimensions: the weights of the overall index's parts sum to 0",
            id="overall",
        ),
        pytest.param(
            lambda d: (
                d.update(areas=[{"id": "all", "title": {"de": "A", "en": "A"}}]),
                [x.update(area="all", weight=0) for x in d["dimensions"]],
            ),
            "areas[all]: the weights of its parts sum to 0",
            id="area",
        ),
        pytest.param(
            lambda d: (
                d.update(
                    indexes=[{"id": "lens", "title": {"de": "L", "en": "L"}, "of": ["services"]}]
                ),
                dim(d, "services").update(weight=0),
            ),
            "indexes[lens].of: the weights of its parts sum to 0",
            id="index",
        ),
        pytest.param(
            lambda d: (
                d.update(item_groups=[{"id": "budget", "dimension": "leadership"}]),
                item(d, "leadership.has_budget").update(group="budget", weight=0),
            ),
            "item_groups[budget]: the weights of its scored items sum to 0",
            id="item-group",
        ),
    ],
)
def test_composite_weights_summing_to_0_are_an_error(
    change: Callable[[Data], object], expected: str
) -> None:
    assert any(p.startswith(expected) for p in problems(change)), problems(change)


# --- every literal a condition compares with is a value its item can take -------------


def _with_items(d: Data) -> None:
    d["items"] += [
        {
            "id": "services.channels",
            "dimension": "services",
            "type": "multi_choice",
            "text": {"de": "?", "en": "?"},
            "choices": [
                {"id": "web", "label": {"de": "Web", "en": "Web"}, "score": 50},
                {"id": "desk", "label": {"de": "Schalter", "en": "Desk"}, "score": 50},
            ],
        },
        {
            "id": "services.staff",
            "dimension": "services",
            "type": "number",
            "min": 0,
            "max": 500,
            "text": {"de": "?", "en": "?"},
        },
        {
            "id": "services.note",
            "dimension": "services",
            "type": "text",
            "text": {"de": "?", "en": "?"},
        },
    ]


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("leadership.has_budget == 'yse'", "'yse' is not a choice of leadership.has_budget"),
        ("leadership.has_budget != 'Yes'", "'Yes' is not a choice of leadership.has_budget"),
        ("leadership.has_budget in ['yes', 'noo']", "'noo' is not a choice of"),
        ("'yse' == leadership.has_budget", "'yse' is not a choice of leadership.has_budget"),
        ("leadership.has_budget > 'no'", "choices have no order"),
        ("leadership.has_budget in 'yes'", "'in' needs a list"),
        ("'yes' in leadership.has_budget", "needs a multi-choice item"),
        ("services.channels in ['web', 'mail']", "'mail' is not a choice of services.channels"),
        ("'mail' in services.channels", "'mail' is not a choice of services.channels"),
        ("services.channels == 'web'", "services.channels is a multi-choice item"),
        ("leadership.mandate == 5", "5 is not a value of scale agreement (0, 1, 2, 3, 4)"),
        ("leadership.mandate >= 2.5", "2.5 is not a value of scale agreement"),
        ("leadership.mandate == 'na'", "'na' (not applicable) compares false to everything"),
        ("leadership.mandate == '3'", "'3' is not a value of scale agreement"),
        ("leadership.mandate == True", "True is never an answer of leadership.mandate"),
        ("services.staff > 'many'", "services.staff is a number item"),
        ("services.staff == 1000", "1000 is outside services.staff's range 0..500"),
        ("services.note == 3", "services.note is a text item"),
    ],
)
def test_condition_literals_must_be_values_the_item_can_take(condition: str, expected: str) -> None:
    def change(d: Data) -> None:
        _with_items(d)
        item(d, "leadership.budget_size")["show_if"] = condition

    [problem] = problems(change)
    assert problem.startswith("items[leadership.budget_size].show_if: ")
    assert expected in problem


@pytest.mark.parametrize(
    "condition",
    [
        "leadership.has_budget == 'yes'",
        "'yes' == leadership.has_budget",
        "leadership.has_budget not in ['no']",
        "leadership.mandate >= 2 and 1 < leadership.mandate",
        "'web' in services.channels or services.channels in ['desk']",
        "services.channels == ['web', 'desk']",
        "services.staff > 10 and services.staff <= 500",
        "services.note != 'none' and leadership.mandate == leadership.mandate",
    ],
)
def test_conditions_with_values_the_items_can_take_are_valid(condition: str) -> None:
    data = minimal_definition()
    _with_items(data)
    item(data, "leadership.budget_size")["show_if"] = condition
    assert parse_definition(data).item("leadership.budget_size").show_if == condition


# --- the structure of published indices ---------------------------------------------


def _grouped(d: Data) -> None:
    d["item_groups"] = [{"id": "budget", "dimension": "leadership", "weight": 2}]
    item(d, "leadership.has_budget")["group"] = "budget"
    item(d, "leadership.budget_size")["group"] = "budget"


def test_a_valid_item_group() -> None:
    data = minimal_definition()
    _grouped(data)
    assert parse_definition(data).item("leadership.budget_size").group == "budget"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(
            lambda d: (_grouped(d), item(d, "services.training").update(group="budgett")),
            "items[services.training].group: unknown item group 'budgett'",
            id="unknown-group",
        ),
        pytest.param(
            lambda d: (_grouped(d), item(d, "services.training").update(group="budget")),
            "items[services.training].group: item group 'budget' belongs to dimension "
            "'leadership', the item to 'services'",
            id="other-dimension",
        ),
        pytest.param(
            lambda d: d.update(item_groups=[{"id": "empty", "dimension": "leadership"}]),
            "item_groups[empty]: item group has no items",
            id="empty-group",
        ),
        pytest.param(
            lambda d: (_grouped(d), d["item_groups"].append(dict(d["item_groups"][0]))),
            "item_groups[budget]: duplicate id 'budget'",
            id="duplicate-group",
        ),
        pytest.param(
            lambda d: d.update(
                indexes=[
                    {"id": "a", "title": {"de": "A", "en": "A"}, "of": ["b"]},
                    {"id": "b", "title": {"de": "B", "en": "B"}, "of": ["a", "services"]},
                ]
            ),
            "indexes[a].of: can never be computed: indexes include each other in a cycle "
            "among ['a', 'b']",
            id="index-cycle",
        ),
        pytest.param(
            lambda d: d.update(indexes=[{"id": "a", "title": {"de": "A", "en": "A"}, "of": ["a"]}]),
            "indexes[a].of: can never be computed",
            id="index-includes-itself",
        ),
        pytest.param(
            lambda d: d.update(
                indexes=[{"id": "services", "title": {"de": "A", "en": "A"}, "of": ["leadership"]}]
            ),
            "indexes[services]: 'services' is also a dimension or area id",
            id="index-id-clash",
        ),
        pytest.param(
            lambda d: d["scoring"].update(overall_of=["leadership", "servicess"]),
            "scoring.overall_of: unknown dimension, area or index 'servicess'",
            id="overall-of-unknown",
        ),
        pytest.param(
            lambda d: dim(d, "services").update(min_answered=2),
            "dimensions[services].min_answered: needs 2 answered items, but 'services' has "
            "only 1 (an item group counts once): it can never have a score",
            id="min-answered-too-high",
        ),
        pytest.param(
            lambda d: d["scoring"].update(min_answered=3),
            "scoring.min_answered: needs 3 answered items, but 'services' has only 1",
            id="definition-min-answered-too-high",
        ),
    ],
)
def test_structures_that_cannot_work(change: Callable[[Data], object], expected: str) -> None:
    found = problems(change)
    assert any(p.startswith(expected) for p in found), found


def test_indexes_over_indexes_and_a_chosen_headline_are_valid() -> None:
    data = minimal_definition()
    data["indexes"] = [
        {"id": "lead", "title": {"de": "L", "en": "L"}, "of": ["leadership"], "weight": 2},
        {"id": "both", "title": {"de": "B", "en": "B"}, "of": ["lead", "services"]},
    ]
    data["scoring"]["overall_of"] = ["both"]
    definition = parse_definition(data)
    assert definition.scoring.overall_of == ["both"]
