"""Refused parameters, bodies and settings are told in the project's words: each field named,
what it allows where that is known, never pydantic's own English ("Field required", "Input
should be ..."), on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app import validation_messages
from tests import factories
from tests.api.conftest import Bearer
from tests.api.helpers import create, problem

PYDANTIC_WORDS = ("Field required", "Input should", "Extra inputs", "Value error", "valid integer")


def _no_pydantic_words(text: str) -> None:
    assert not [words for words in PYDANTIC_WORDS if words in text], text


def test_every_problem_of_a_body_names_its_field_in_our_words(
    client: TestClient, net: factories.Network, bearer: Bearer
) -> None:
    answer = client.post(
        f"/api/v1/rounds/{net.round.id}/responses",
        json={"organisation_id": "four", "consent": True, "submit": "yes", "colour": "red"},
        headers=bearer(),
    )
    body = problem(answer, 422, "invalid-input")
    _no_pydantic_words(answer.text)
    told = {error["field"]: error["message"] for error in body["errors"]}
    assert told == {
        "organisation_id": "organisation_id: 'four' is not a whole number",
        "language": "language is required",
        "submit": "submit: 'yes' is not true or false",
        "colour": "colour is not a field of this request; leave it out",
    }
    assert body["field"] == body["errors"][0]["field"]
    assert body["detail"] == "; ".join(error["message"] for error in body["errors"])
    [submit] = [error for error in body["errors"] if error["field"] == "submit"]
    assert submit["allowed"] == [True, False]
    as_text = client.post(
        f"/api/v1/rounds/{net.round.id}/responses",
        json={"organisation_id": "4", "language": "en", "consent": True},
        headers=bearer(),
    )
    assert problem(as_text, 422, "invalid-input")["detail"] == (
        "organisation_id: '4' is text; send the number itself, without quotes"
    )


def test_query_parameters_name_their_range_and_choices(
    client: TestClient, net: factories.Network, bearer: Bearer
) -> None:
    url = f"/api/v1/rounds/{net.round.id}/profile"
    reader = bearer("results:read")
    too_many = problem(client.get(url, params={"k": 999}, headers=reader), 422, "invalid-input")
    assert too_many["detail"] == "k: 999 is more than 50, the largest allowed"
    kind = problem(client.get(url, params={"kind": "castle"}, headers=reader), 422, "invalid-input")
    assert kind["field"] == "kind"
    assert "city" in kind["allowed"]
    assert kind["detail"].startswith("kind: 'castle' is not one of ")
    assert "city" in kind["detail"]
    _no_pydantic_words(str(kind) + str(too_many))


def test_an_unknown_kind_of_refusal_says_only_that_it_is_not_accepted() -> None:
    told = validation_messages.message_of(
        {"type": "some_future_type", "loc": ("query", "x"), "input": "y", "msg": "Pydantic says"}
    )
    assert str(told) == "x: 'y' is not accepted here"
    assert validation_messages.field_of(("body", "answers", "q", 0)) == "answers.q[0]"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("RADAR_LOGIN_IDLE_MINUTES", "abc", "'abc' is not a whole number"),
        ("RADAR_SECURE_COOKIES", "maybe", "'maybe' is not true or false"),
    ],
)
def test_a_wrong_setting_is_told_in_our_words(
    tmp_path: Path, variable: str, value: str, expected: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "projects", "list"],
        env={variable: value, "RADAR_DATA_DIR": str(tmp_path), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr == f"error: {variable}: {expected}\n"


def test_a_list_or_an_object_is_named_as_json_names_it(
    client: TestClient, net: factories.Network, bearer: Bearer
) -> None:
    """Not Python's "'list' is not a whole number"."""
    for sent, named in (([], "a list"), ({}, "an object")):
        refused = problem(create(client, net, bearer(), organisation_id=sent), 422, "invalid-input")
        assert refused["detail"] == f"organisation_id: {named} is not a whole number"
