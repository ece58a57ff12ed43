"""Answers to questions hidden by ``show_if`` are kept, and every download that lists answers
marks them as not counted (docs/scoring.md, "Visibility in exports"); the score ignores them."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi.testclient import TestClient

from tests.web.pages import Page

FOLLOW_UP = "leadership.budget_size"


def _budget_yes_then_no(started: Page) -> Page:
    """Budget "yes", answer the follow-up, switch the budget back to "no", submit."""
    opened = started.submit({"leadership.mandate": "3", "leadership.has_budget": "yes"})
    assert opened.url == "/respond/step/1"  # the follow-up appeared on the same page
    opened.submit({"leadership.mandate": "3", "leadership.has_budget": "yes", FOLLOW_UP: "1"})
    again = Page.get(started.client, "/respond/step/1")
    # A browser still posts the hidden follow-up's checked option: it is kept, not counted.
    step2 = again.submit({"leadership.mandate": "3", "leadership.has_budget": "no", FOLLOW_UP: "1"})
    review = step2.submit({"services.training": "4"})
    result = review.submit({"confirm": "yes"}, "/respond/submit")
    assert result.url == "/respond/result", result.text
    return result


def _csv(client: TestClient) -> list[dict[str, str]]:
    body = client.get("/respond/result.csv").text.lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(body)))


def test_a_hidden_follow_up_is_listed_as_not_counted_and_the_score_ignores_it(
    client: TestClient, started: Page
) -> None:
    result = _budget_yes_then_no(started)
    assert "Size?" not in result.text  # the result page leaves the hidden question out

    data: dict[str, Any] = client.get("/respond/result.json").json()
    by_item = {answer["item"]: answer for answer in data["answers"]}
    assert by_item[FOLLOW_UP] == {
        "item": FOLLOW_UP,
        "dimension": "leadership",
        "value": 1,
        "counted": False,
        "reason": "hidden",
        "note": "question hidden by an earlier answer: kept, not counted",
    }
    assert by_item["leadership.has_budget"]["counted"] is True
    assert by_item["leadership.has_budget"]["reason"] is None
    assert [a["item"] for a in data["answers"]] == [
        "leadership.mandate",
        "leadership.has_budget",
        FOLLOW_UP,
        "services.training",
    ]
    # Unchanged by the stored follow-up: mandate 3 -> 75, budget "no" -> 0, mean 37.5.
    assert data["scores"]["dimensions"]["leadership"]["score"] == 37.5
    assert data["scores"]["overall"]["score"] == 68.75

    rows = _csv(client)
    answers = {row["id"]: row for row in rows if row["record"] == "answer"}
    assert answers[FOLLOW_UP]["counted"] == "no"
    assert answers[FOLLOW_UP]["value"] == "1"
    assert answers[FOLLOW_UP]["detail"].startswith("hidden: question hidden by an earlier answer")
    assert {answers[i]["counted"] for i in answers if i != FOLLOW_UP} == {"yes"}
    scores = {row["id"]: row["value"] for row in rows if row["record"] == "score"}
    assert (scores["leadership"], scores["overall"]) == ("37.5", "68.8")
    assert {row["counted"] for row in rows if row["record"] != "answer"} == {""}


def test_a_follow_up_that_stays_shown_counts(client: TestClient, started: Page) -> None:
    opened = started.submit({"leadership.mandate": "3", "leadership.has_budget": "yes"})
    step2 = opened.submit(
        {"leadership.mandate": "3", "leadership.has_budget": "yes", FOLLOW_UP: "1"}
    )
    step2.submit({"services.training": "4"}).submit({"confirm": "yes"}, "/respond/submit")
    data = client.get("/respond/result.json").json()
    assert {a["item"]: a["counted"] for a in data["answers"]}[FOLLOW_UP] is True
    # budget_size 1 reverse-keyed is 75: (75 + 100 + 75) / 3
    assert round(data["scores"]["dimensions"]["leadership"]["score"], 2) == 83.33
    assert {row["counted"] for row in _csv(client) if row["record"] == "answer"} == {"yes"}
