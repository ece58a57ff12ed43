"""A respondent's whole path over real HTTP, and the check that nothing acknowledged was lost.

Shared by ``benchmarks/http.py`` (which prepares respondents with it and writes the same form
bodies for wrk) and by the test suite (a few respondents at once against a real server):

* :func:`answer_sets` -- plausible answers to the flagship questionnaire (``show_if`` and
  exclusive options respected), and :func:`step_bodies`, each page's form as a browser posts it;
* :func:`walk` -- one respondent with its own cookie jar: invitation link, start page, consent,
  every step saved (the revision of the page sent back, as a browser does), submit;
* :func:`verify` -- afterwards, in the database: every acknowledged submission is stored,
  submitted, with exactly the answers that were posted and with its scores.

No timing happens here.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from sqlalchemy import text

from app.db import make_engine
from app.definition_files import read_definition
from app.services import synthetic
from app.tokens import hash_token
from scoring import Definition, ItemType
from scoring.visibility import visible_items

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "questionnaires" / "intercultural-integration" / "1.0.yaml"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
REVISION = re.compile(r'name="revision" value="(\d+)"')
ANSWERS_FORM = re.compile(r'<form id="answers-form"[^>]*action="/respond/step/(\d+)"')


def flagship() -> Definition:
    return read_definition(FLAGSHIP)


def answer_sets(definition: Definition, count: int, seed: int = 1) -> list[dict[str, Any]]:
    """``count`` respondents' answers: a few organisations, several stakeholders each, and a
    short text wherever a text question is shown (else the step page would ask for it)."""
    rng = random.Random(seed)
    profiles = [synthetic.organisation_profile(definition, rng) for _ in range(max(1, count // 8))]
    sets = []
    for n in range(count):
        profile = synthetic.respondent_profile(profiles[n % len(profiles)], None, rng)
        answers = synthetic.answers_for(definition, profile, rng)
        shown = visible_items(definition, answers)
        for item in definition.items:
            if item.type is ItemType.TEXT and item.id in shown:
                answers[item.id] = f"Benchmark respondent {n}: see our concept (2026)."
        sets.append(answers)
    return sets


def _form_values(definition: Definition, item_id: str, value: Any) -> list[str]:
    item = definition.item(item_id)
    if item.type is ItemType.MULTI_CHOICE:
        return [str(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return [str(int(value))]
    return [str(value)]


def step_bodies(definition: Definition, answers: Mapping[str, Any]) -> list[str]:
    """One url-encoded form per page, as the step page posts it (without CSRF and revision):
    every item of the page listed as shown, its answer, an empty comment, "save and continue".
    """
    bodies = []
    for dimension in definition.dimensions:
        fields: list[tuple[str, str]] = []
        for item in definition.items_of(dimension.id):
            fields.append(("shown", item.id))
            if item.id in answers:
                values = _form_values(definition, item.id, answers[item.id])
                fields += [(item.id, value) for value in values]
        fields += [("comment", ""), ("action", "next")]
        bodies.append(urlencode(fields))
    return bodies


@dataclass
class Outcome:
    """What happened to one respondent: acknowledged means the server confirmed the submission
    (303 to the result page); ``problems`` lists every unexpected answer of the server."""

    token: str
    acknowledged: bool = False
    saved_steps: int = 0
    problems: list[str] = field(default_factory=list)
    cookie: str = ""


def _expect(response: httpx.Response, status: int, outcome: Outcome, location: str = "") -> bool:
    where = response.headers.get("location", "")
    if response.status_code == status and where.startswith(location):
        return True
    outcome.problems.append(
        f"{response.request.method} {response.request.url.path}: {response.status_code} {where}"
    )
    return False


def begin(client: httpx.Client, token: str, outcome: Outcome) -> tuple[str, int] | None:
    """Open the invitation and consent; the CSRF token and the first step's revision.

    The invitation page's form carries a token of its own (keyed to the entry cookie); the
    session's CSRF token comes with the first step."""
    start = client.get(f"/r/{token}")
    if not _expect(start, 200, outcome) or not (entry := CSRF.search(start.text)):
        return None
    consent = client.post(f"/r/{token}", data={"csrf_token": entry.group(1), "consent": "yes"})
    if not _expect(consent, 303, outcome, "/respond/start"):
        return None
    first = client.get("/respond/step/1")
    if not _expect(first, 200, outcome):
        return None
    if not (csrf := CSRF.search(first.text)) or not (revision := REVISION.search(first.text)):
        return None
    return csrf.group(1), int(revision.group(1))


def walk(base_url: str, token: str, bodies: list[str], *, submit: bool = True) -> Outcome:
    """One respondent in a browser of their own: every page saved, then (``submit``) submitted.

    Saving a page answers 303 to the next one, whose revision is then one higher; a real browser
    would load that page first, which :func:`begin` does once for the first page.
    """
    outcome = Outcome(token)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    with httpx.Client(base_url=base_url, timeout=60) as client:
        started = begin(client, token, outcome)
        if started is None:
            return outcome
        csrf, revision = started
        for step, body in enumerate(bodies, start=1):
            target = f"/respond/step/{step + 1}" if step < len(bodies) else "/respond/review"
            saved = client.post(
                f"/respond/step/{step}",
                content=f"csrf_token={csrf}&revision={revision}&{body}",
                headers=form,
            )
            if not _expect(saved, 303, outcome, target):
                return outcome
            outcome.saved_steps, revision = step, revision + 1
        if submit:
            sent = client.post(
                "/respond/submit",
                data={"csrf_token": csrf, "revision": str(revision), "confirm": "yes"},
            )
            outcome.acknowledged = _expect(sent, 303, outcome, "/respond/result")
        outcome.cookie = str(client.cookies.get("radar_session", ""))
    return outcome


def session_cookie(base_url: str, token: str) -> str:
    """The session cookie of a respondent who opened ``token`` and consented."""
    outcome = Outcome(token)
    with httpx.Client(base_url=base_url, timeout=60) as client:
        if begin(client, token, outcome) is None:
            raise RuntimeError(f"could not start a respondent: {outcome.problems}")
        return str(client.cookies["radar_session"])


@dataclass
class Verified:
    """The stored state of acknowledged submissions; ``lost`` names every one not intact."""

    acknowledged: int
    stored_with_scores: int
    lost: list[str]


def verify(
    database_url: str, acknowledged: Iterable[str], expected: Mapping[str, Mapping[str, Any]]
) -> Verified:
    """Every acknowledged token: its response is submitted, holds exactly the posted answers
    (``expected`` by token) and its stored scores: one row per dimension, area, index and the
    overall index, the overall one with a score."""
    tokens = sorted(set(acknowledged))
    definition = flagship()
    scores = len(definition.dimensions) + len(definition.areas) + len(definition.indexes) + 1
    engine = make_engine(database_url)
    lost: list[str] = []
    try:
        with engine.connect() as connection:
            for token in tokens:
                row = connection.execute(
                    text(
                        "SELECT r.id, r.status, r.answers, "
                        "(SELECT count(*) FROM response_score s WHERE s.response_id = r.id), "
                        "(SELECT count(*) FROM response_score s WHERE s.response_id = r.id "
                        " AND s.kind = 'overall' AND s.score IS NOT NULL) "
                        "FROM response r JOIN invitation i ON r.invitation_id = i.id "
                        "WHERE i.token_hash = :hash"
                    ),
                    {"hash": hash_token(token)},
                ).one_or_none()
                label = token[:8]
                if row is None:
                    lost.append(f"{label}: no response stored")
                elif row[1] != "submitted":
                    lost.append(f"{label}: status {row[1]}")
                elif dict(_json(row[2])) != dict(expected[token]):
                    lost.append(f"{label}: stored answers differ from the posted ones")
                elif row[3] != scores or row[4] != 1:
                    lost.append(f"{label}: {row[3]} of {scores} scores stored")
    finally:
        engine.dispose()
    return Verified(len(tokens), len(tokens) - len(lost), lost)


def _json(value: Any) -> Mapping[str, Any]:
    """A JSON column as read by the raw connection (text on SQLite, decoded on PostgreSQL)."""
    loaded: Mapping[str, Any] = json.loads(value) if isinstance(value, str) else value
    return loaded
