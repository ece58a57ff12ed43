"""One respondent's own data to take away: answers, comments and scores as JSON or CSV.

Every CSV cell, headers and texts alike, goes through :mod:`app.services.spreadsheet`, so that
no cell can start a spreadsheet formula; numbers are written as numbers. Scores are the values
the result page shows (rounded by the scoring rule, ``scoring.round_score``), each with the
level and, for dimensions, strength or weakness decided on that same value; the JSON keeps the
unrounded ``score`` beside its ``rounded`` value. Every answer is listed with whether it counted
(:mod:`app.services.answer_records`): an answer to a question hidden by an earlier answer is
kept and marked, never left out or shown as if it counted. Day-only times (anonymous rounds) are
written as dates (:mod:`app.times`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from app import times
from app.services.answer_records import REASONS, answer_records
from app.services.responses import Context
from app.services.spreadsheet import csv_document
from scoring import Definition, Profile

CSV_HEADER = ("record", "id", "dimension", "question", "value", "counted", "detail")
"""``counted`` is ``yes`` or ``no`` on answer rows (``detail`` then says why not), empty on the
comment and score rows."""


def _text(texts: Mapping[str, str] | None, language: str, definition: Definition) -> str:
    if not texts:
        return ""
    return texts.get(language) or texts.get(definition.default_language) or ""


def export_dict(context: Context, profile: Profile) -> dict[str, Any]:
    """Everything of this response a respondent may take away, JSON-ready."""
    response, definition = context.response, context.definition
    day_only = context.round.anonymous
    return {
        "questionnaire": {"slug": definition.slug, "version": definition.version},
        "organisation": context.organisation.name,
        "stakeholder_group": response.stakeholder_group,
        "round": context.round.name,
        "language": response.language,
        "status": str(response.status),
        "public_id": response.public_id,
        "submitted_at": times.iso(response.submitted_at, day_only=day_only),
        "times": "day_only" if day_only else "precise",
        "consent": {
            "notice_version": response.consent_version,
            "given_at": times.iso(response.consented_at, day_only=day_only),
        },
        "answers": [record.to_dict() for record in answer_records(definition, response.answers)],
        "comments": dict(response.comments),
        "scores": profile.to_dict(),
    }


def _rows(context: Context, profile: Profile) -> Iterator[tuple[Any, ...]]:
    response, definition = context.response, context.definition
    language = response.language
    questions = {item.id: item.text for item in definition.items}
    for record in answer_records(definition, response.answers):
        value = record.value
        yield (
            "answer",
            record.item_id,
            record.dimension,
            _text(questions.get(record.item_id), language, definition),
            ";".join(value) if isinstance(value, list) else value,
            "yes" if record.counted else "no",
            f"{record.reason}: {REASONS[record.reason]}" if record.reason else "",
        )
    for dimension_id, comment in response.comments.items():
        yield ("comment", dimension_id, dimension_id, "", comment, "", "")
    for dimension in definition.dimensions:
        part = profile.dimensions[dimension.id]
        title = _text(dimension.title, language, definition)
        marks = ["strength"] * part.strength + ["weakness"] * part.weakness
        detail = "; ".join([part.band or part.reason or "", *marks])
        yield ("score", dimension.id, dimension.id, title, part.rounded, "", detail)
    composites = [
        *((a.id, a.title, profile.areas[a.id]) for a in definition.areas),
        *((x.id, x.title, profile.indexes[x.id]) for x in definition.indexes),
    ]
    for composite_id, texts, composite in composites:
        title = _text(texts, language, definition)
        detail = composite.band or composite.reason or ""
        yield ("score", composite_id, "", title, composite.rounded, "", detail)
    overall = profile.overall
    yield ("score", "overall", "", "", overall.rounded, "", overall.band or overall.reason or "")


def export_csv(context: Context, profile: Profile) -> str:
    """Answers, comments and scores, one per line (UTF-8 with BOM for spreadsheet programs)."""
    return csv_document([CSV_HEADER, *_rows(context, profile)])
