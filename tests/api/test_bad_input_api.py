"""Bad input to the API, each refused with a clear problem that names the item and what it
allows, and nothing stored; the same answer on SQLite and PostgreSQL (every test runs on
both and checks the exact text)."""

from __future__ import annotations

import time
import tracemalloc
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.models import Response
from app.services import rounds
from tests import factories
from tests.api.conftest import Bearer
from tests.api.helpers import create, problem

SCALE = [0, 1, 2, 3, 4, "na"]


def _nothing_stored(engine: Engine) -> None:
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Response)).one() == 0


def _raw(client: TestClient, net: factories.Network, headers: dict[str, str], body: bytes) -> Any:
    return client.post(
        f"/api/v1/rounds/{net.round.id}/responses",
        content=body,
        headers={**headers, "Content-Type": "application/json"},
    )


def _body(net: factories.Network, answers: bytes, organisation: bytes | None = None) -> bytes:
    """A creation body with raw JSON ``answers`` (and ``organisation`` id, the network's one
    unless given)."""
    organisation = organisation or str(net.organisation.id).encode()
    return b'{"organisation_id": %s, "language": "en", "consent": true, "answers": %s}' % (
        organisation,
        answers,
    )


def test_unknown_items_and_values_off_the_scale_name_the_item_and_what_it_allows(
    client: TestClient, net: factories.Network, bearer: Bearer, engine: Engine
) -> None:
    answers = {"leadership.mandate": 7, "leadership.has_budget": "maybe", "nope": 1}
    body = problem(create(client, net, bearer(), answers=answers), 422, "invalid-answers")
    assert body["detail"] == (
        "3 answer problem(s): leadership.mandate: 7 is not on the scale and 2 more"
    )
    assert body["errors"] == [
        {
            "item_id": "leadership.mandate",
            "code": "not_on_scale",
            "message": "7 is not on the scale",
            "allowed": SCALE,
            "severity": "error",
        },
        {
            "item_id": "leadership.has_budget",
            "code": "unknown_choice",
            "message": "'maybe' is not one of the choices",
            "allowed": ["yes", "no"],
            "severity": "error",
        },
        {
            "item_id": "nope",
            "code": "unknown_item",
            "message": "no item 'nope'",
            "allowed": None,
            "severity": "error",
        },
    ]
    _nothing_stored(engine)


@pytest.mark.parametrize(
    ("answers", "error"),
    [
        ({"leadership.mandate": 2**63}, ("leadership.mandate", "not_on_scale")),
        ({"leadership.mandate": True}, ("leadership.mandate", "wrong_type")),
        ({"leadership.mandate": "3"}, ("leadership.mandate", "wrong_type")),
        ({"bad\x00id": 1}, ("bad\x00id", "unknown_item")),
    ],
)
def test_wrong_values_are_refused_per_item(
    client: TestClient,
    net: factories.Network,
    bearer: Bearer,
    engine: Engine,
    answers: dict[str, Any],
    error: tuple[str, str],
) -> None:
    body = problem(create(client, net, bearer(), answers=answers), 422, "invalid-answers")
    assert [(e["item_id"], e["code"]) for e in body["errors"]] == [error]
    _nothing_stored(engine)


NOT_A_NUMBER = "body.answers.leadership.mandate: {} is not a number in JSON; send a finite number"
LONE = "{}: {} is not valid Unicode text (a lone surrogate)"


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        (b'{"leadership.mandate": NaN}', NOT_A_NUMBER.format("NaN")),
        (b'{"leadership.mandate": Infinity}', NOT_A_NUMBER.format("Infinity")),
        (b'{"leadership.mandate": -Infinity}', NOT_A_NUMBER.format("-Infinity")),
        (
            b'{"leadership.mandate": "\\ud800"}',
            LONE.format("body.answers.leadership.mandate", "'\\ud800'"),
        ),
        (b'{"\\udfff": 1}', LONE.format("body.answers", "'\\udfff'")),
    ],
)
def test_nan_infinity_and_lone_surrogates_are_422(
    client: TestClient,
    net: factories.Network,
    bearer: Bearer,
    engine: Engine,
    raw: bytes,
    detail: str,
) -> None:
    body = _body(net, raw)
    refused = problem(_raw(client, net, bearer(), body), 422, "invalid-input")
    assert refused["detail"] == detail
    # the member's path, as schema errors name theirs
    assert refused["field"] == detail.split(":")[0].removeprefix("body.")
    _nothing_stored(engine)


def test_a_number_beyond_what_a_float_holds_is_refused_with_the_item_and_range(
    client: TestClient, net: factories.Network, bearer: Bearer, engine: Engine
) -> None:
    body = _body(net, b'{"leadership.mandate": 1e400}')
    refused = problem(_raw(client, net, bearer(), body), 422, "invalid-answers")
    assert refused["errors"][0]["item_id"] == "leadership.mandate"
    assert "inf" not in str(refused).replace("invalid", "")
    _nothing_stored(engine)


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (
            b'{"organisation_id": %d, "language": "en", "language": "de", "answers": {}}',
            "body: the key 'language' appears more than once; send each key once",
        ),
        (
            b'{"organisation_id": %d, "language": "en", '
            b'"answers": {"leadership.mandate": 1, "leadership.mandate": 4}}',
            "body.answers: the key 'leadership.mandate' appears more than once; send each key once",
        ),
    ],
)
def test_a_key_twice_in_one_object_is_refused_with_its_path(
    client: TestClient,
    net: factories.Network,
    bearer: Bearer,
    engine: Engine,
    body: bytes,
    detail: str,
) -> None:
    refused = problem(_raw(client, net, bearer(), body % net.organisation.id), 422, "invalid-input")
    assert refused["detail"] == detail
    _nothing_stored(engine)


@pytest.mark.parametrize(
    "group", ["a\u202eb", "=HYPERLINK(1)", "Random Group", "NGO", "civil_society", "civil--society"]
)
def test_a_stakeholder_group_is_a_key_like_the_pages_take(
    client: TestClient, net: factories.Network, bearer: Bearer, engine: Engine, group: str
) -> None:
    """Through the API as on the pages: a group that filters, exports and aggregates would show
    is a key like civil-society (or one of the round's own groups)."""
    refused = problem(create(client, net, bearer(), stakeholder_group=group), 422, "invalid-input")
    assert refused["detail"].endswith(
        "use lower-case letters, digits and hyphens, such as civil-society"
    )
    _nothing_stored(engine)


def test_a_group_the_round_does_not_have_is_named_with_the_rounds_groups(
    client: TestClient, net: factories.Network, bearer: Bearer, engine: Engine, session: Session
) -> None:
    """Reported under the body's own field name, with the groups it could have been."""
    net.round.stakeholder_groups = [
        rounds.StakeholderGroup(key, {"en": key.title()}).stored()
        for key in ("civil-society", "politics")
    ]
    session.add(net.round)
    session.commit()
    refused = problem(
        create(client, net, bearer(), stakeholder_group="employers"), 422, "invalid-input"
    )
    assert refused["field"] == "stakeholder_group"
    assert refused["allowed"] == ["civil-society", "politics"]
    assert refused["detail"] == (
        "stakeholder group 'employers' is not one of the round's groups (civil-society, politics)"
    )
    _nothing_stored(engine)
    # the list's filter refuses it the same way, rather than matching nobody
    listed = client.get(
        f"/api/v1/rounds/{net.round.id}/responses",
        params={"stakeholder_group": "employers"},
        headers=bearer(),
    )
    assert problem(listed, 422, "invalid-input")["allowed"] == ["civil-society", "politics"]
    kept = client.get(
        f"/api/v1/rounds/{net.round.id}/responses",
        params={"stakeholder_group": "politics"},
        headers=bearer(),
    )
    assert kept.status_code == 200
    assert kept.json()["total"] == 0


def test_nul_and_huge_numbers_outside_answers(
    client: TestClient, net: factories.Network, bearer: Bearer, engine: Engine
) -> None:
    headers = bearer()
    group = problem(create(client, net, headers, stakeholder_group="a\x00b"), 422, "invalid-input")
    assert group["detail"].startswith(
        "stakeholder group: contains the control character U+0000 at position 2"
    )
    language = problem(create(client, net, headers, language="e\x00"), 422, "invalid-input")
    assert language["detail"] == "language 'e\\x00' is not offered; available: de, en"
    organisation = problem(
        create(client, net, headers, organisation_id=2**63), 422, "invalid-input"
    )
    assert organisation["errors"][0]["loc"] == ["body", "organisation_id"]
    _nothing_stored(engine)


def test_more_answers_than_the_questionnaire_has_questions(
    client: TestClient, net: factories.Network, bearer: Bearer, engine: Engine
) -> None:
    answers = {f"x{n}": 1 for n in range(5)}
    body = problem(create(client, net, bearer(), answers=answers), 422, "invalid-input")
    assert body["detail"] == "5 answers, at most 4 allowed (the questionnaire has 4 questions)"
    _nothing_stored(engine)


def test_json_nested_100000_deep_is_refused_fast_in_little_memory(
    client: TestClient, net: factories.Network, bearer: Bearer, engine: Engine
) -> None:
    headers = bearer()
    for deep in (b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 100_000 + b"1" + b"}" * 100_000):
        body = b'{"organisation_id": 1, "language": "en", "answers": {"x": %s}}' % deep
        tracemalloc.start()
        started = time.perf_counter()
        answer = _raw(client, net, headers, body)
        took = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert problem(answer, 400, "malformed-json")["detail"] == (
            "The JSON body nests deeper than 32 levels; send at most that many."
        )
        assert took < 2, took
        assert peak < 20_000_000, peak
    just_too_deep = b'{"organisation_id": 1, "language": "en", "answers": {"x": %s}}' % (
        b"[" * 31 + b"]" * 31
    )
    problem(_raw(client, net, headers, just_too_deep), 400, "malformed-json")
    problem(_raw(client, net, headers, b'{"answers": '), 400, "malformed-json")
    _nothing_stored(engine)


def test_a_50_megabyte_body_is_refused_before_it_is_read(
    client: TestClient, net: factories.Network, bearer: Bearer, engine: Engine
) -> None:
    body = b'{"answers": {"x": "' + b"a" * 50_000_000 + b'"}}'
    started = time.perf_counter()
    answer = _raw(client, net, bearer(), body)
    assert time.perf_counter() - started < 5
    problem(answer, 413, "payload-too-large")
    _nothing_stored(engine)


HUGE = b"9" * 5000
ODD_NUMBERS = [
    b"9223372036854775808",  # 2**63
    b"18446744073709551616",  # 2**64
    b"1" + b"0" * 400,
    HUGE,
    b"-" + HUGE,
    b"1e400",
    b"-1e400",
]
LEAKS = ("digits)", "set_int_max_str_digits", "Exceeds", "inf", "nan", "Traceback")


def _clean(answer: Any) -> dict[str, Any]:
    """The 422 problem, with no Python error text and no "inf" or "nan" in it."""
    body = problem(answer, 422, answer.json()["type"].rsplit("/", 1)[1])
    text = answer.text.replace("invalid", "").replace("Infinity", "").lower()
    assert not [leak for leak in LEAKS if leak.lower() in text], answer.text
    return body


@pytest.mark.parametrize("number", ODD_NUMBERS)
def test_huge_numbers_anywhere_in_a_body_are_422_naming_the_field_and_its_range(
    client: TestClient, net: factories.Network, bearer: Bearer, engine: Engine, number: bytes
) -> None:
    headers = bearer()
    negative = number.startswith(b"-")
    organisation = _clean(_raw(client, net, headers, _body(net, b"{}", number)))
    assert organisation["detail"].startswith("organisation_id: ")
    assert organisation["detail"].endswith(
        "is less than 1, the smallest allowed"
        if negative
        else "is more than 2147483647, the largest allowed"
    )
    assert organisation["field"] == "organisation_id"
    answer = _clean(_raw(client, net, headers, _body(net, b'{"services.training": %s}' % number)))
    errors = [(e["item_id"], e["allowed"]) for e in answer["errors"]]
    assert errors == [("services.training", SCALE)]
    consent = _raw(client, net, headers, _body(net, b"{}").replace(b"true", number))
    assert _clean(consent)["errors"][0]["loc"] == ["body", "consent"]
    scored = client.post(
        "/api/v1/score",
        content=b'{"questionnaire": "mini", "version": "1.0", "answers": {"services.training": %s}}'
        % number,
        headers={**headers, "Content-Type": "application/json"},
    )
    assert _clean(scored)["errors"][0]["item_id"] == "services.training"
    _nothing_stored(engine)
    draft = create(client, net, headers).json()
    changed = client.patch(
        f"/api/v1/responses/{draft['id']}",
        content=b'{"answers": {"leadership.mandate": %s}}' % number,
        headers={**headers, "Content-Type": "application/json", "If-Match": '"1"'},
    )
    assert _clean(changed)["errors"][0]["item_id"] == "leadership.mandate"


def test_a_negative_zero_is_zero(
    client: TestClient, net: factories.Network, bearer: Bearer, engine: Engine
) -> None:
    created = _raw(client, net, bearer(), _body(net, b'{"leadership.mandate": -0}'))
    assert created.status_code == 201, created.text
    assert created.json()["answers"] == {"leadership.mandate": 0}
    organisation = _clean(_raw(client, net, bearer(), _body(net, b"{}", b"-0.0")))
    assert organisation["errors"][0]["loc"] == ["body", "organisation_id"]


def test_integral_floats_are_stored_as_the_scales_own_values(
    client: TestClient, net: factories.Network, bearer: Bearer, engine: Engine
) -> None:
    """2.0 and -0.0 are the scale's 2 and 0, stored and exported as a page's answer is; a
    value off the scale is still refused."""
    headers = bearer()
    created = _raw(client, net, headers, _body(net, b'{"leadership.mandate": 2.0}'))
    assert created.status_code == 201, created.text
    assert created.text.count('"leadership.mandate":2}') == 1  # not 2.0
    public_id = created.json()["id"]
    changed = client.patch(
        f"/api/v1/responses/{public_id}",
        content=b'{"answers": {"services.training": -0.0, "leadership.mandate": 3e0}}',
        headers={**headers, "Content-Type": "application/json", "If-Match": '"1"'},
    )
    assert changed.status_code == 200, changed.text
    with Session(engine) as session:
        stored = session.exec(select(Response).where(Response.public_id == public_id)).one()
    assert stored.answers == {"leadership.mandate": 3, "services.training": 0}
    assert [type(value) for value in stored.answers.values()] == [int, int]
    refused = _raw(client, net, headers, _body(net, b'{"leadership.mandate": 2.5}'))
    assert refused.json()["errors"][0]["item_id"] == "leadership.mandate"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (
            b'{"language": "\xff"}',
            "The body is not valid JSON: the byte 0xFF at position 14 is not UTF-8 text.",
        ),
        (
            b"hello",
            "The body is not valid JSON: what stands at character 0 (line 1, column 1) "
            "cannot come there.",
        ),
        (
            b'{"consent": true}\n{',
            "The body is not valid JSON: its value is complete before character 18 "
            "(line 2, column 1), but more follows.",
        ),
        (
            b'{"answers": {"a": "unfinished',
            "The body is not valid JSON: it ends at character 29 before its value is complete.",
        ),
    ],
)
def test_a_body_that_is_not_json_is_said_in_the_services_words(
    client: TestClient, net: factories.Network, bearer: Bearer, body: bytes, detail: str
) -> None:
    """Where the body stops being JSON, never Python's parser text ("Expecting value",
    "codec can't decode")."""
    assert problem(_raw(client, net, bearer(), body), 400, "malformed-json")["detail"] == detail


def test_a_refusal_does_not_grow_with_the_body(
    client: TestClient, net: factories.Network, bearer: Bearer, engine: Engine
) -> None:
    """5,000 unknown fields: the first 100 listed, the rest counted; an unknown item id of
    100,000 characters is cut, not echoed back twice."""
    fields: dict[str, Any] = {f"x{n}": 1 for n in range(5000)}
    many = create(client, net, bearer(), **fields)
    refused = problem(many, 422, "invalid-input")
    assert len(refused["errors"]) == 100
    assert refused["errors_not_listed"] == 4900
    assert refused["detail"].endswith("(and 4900 more)")
    assert len(many.content) < 20_000
    key = "k" * 100_000
    huge = create(client, net, bearer(), answers={key: 1})
    answered = problem(huge, 422, "invalid-answers")
    [error] = answered["errors"]
    assert error["code"] == "unknown_item"
    assert error["item_id"] == "k" * 100 + "…"
    assert len(huge.content) < 2_000
    _nothing_stored(engine)
