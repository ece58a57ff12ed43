"""Schemas of the responses API: bodies (strict, no field a client must not set), the
response as returned, the parameters and headers, and the documented problems."""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Annotated, Any

from fastapi import Header, Path
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from app import limits
from app.api.problem_docs import ETAG_HEADER, REPLAYED_HEADER, problem
from app.errors import InvalidAnswers, MalformedJson, PreconditionRequired, RevisionMismatch
from app.models import ResponseStatus
from app.services.response_intake import RoundNotAccepting, Written

ANSWER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Item id -> answer, as the questionnaire version defines the item: a scale "
    'value or `"na"`, a choice id, a list of choice ids, a number or a text (`null` removes an '
    "answer when amending). Each value is checked against the version: a problem is a 422 "
    "whose `errors` name the item, the problem and the values it allows",
    "additionalProperties": True,
    "example": {"leadership.mandate": 3, "leadership.has_budget": "yes"},
}
PublicId = Annotated[
    str,
    Path(
        min_length=32,
        max_length=32,
        pattern="^[0-9a-f]{32}$",
        description="The response's id",
        examples=["0123456789abcdef0123456789abcdef"],
    ),
]
RoundId = Annotated[int, Path(ge=1, le=limits.INT_MAX, examples=[1])]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=200,
        description="Any unique value per intended request: a retry with the same key and body "
        "gets the first answer again and creates nothing",
    ),
]
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=20,
        pattern=r'^(W/)?"?[0-9]{1,10}"?$',
        description='The revision the change replaces, as the ETag gave it (`"3"`)',
    ),
]

BODY_PROBLEMS: dict[int | str, dict[str, Any]] = {
    400: problem("The body is not JSON, or nests too deep", MalformedJson),
    422: problem(
        "Invalid input: `errors` lists each answer problem with the item and what it allows; "
        "or consent missing (`field` is `consent`, `allowed` is `[true]`: a response is stored "
        "and changed only with the respondent's consent); or an Idempotency-Key used before "
        "with another body (idempotency-key-reused)",
        InvalidAnswers,
        {
            "errors": [
                {
                    "item_id": "leadership.mandate",
                    "code": "not_on_scale",
                    "message": "7 is not on the scale",
                    "allowed": [0, 1, 2, 3, 4, "na"],
                    "severity": "error",
                }
            ]
        },
    ),
}
CLOSED = problem(
    "The round does not accept answers (closed or not yet open); its dates are given",
    RoundNotAccepting,
    {"state": "closed", "closes_at": "2027-01-31T23:59:59+00:00"},
)


def _beyond_range(value: Any) -> Any:
    """±infinity (what ``1e400`` or an integer of 5,000 digits reads as) as the integer just
    outside the range, so the problem names the range the field allows, not only its type."""
    if isinstance(value, float) and math.isinf(value):
        return limits.INT_MAX + 1 if value > 0 else 0
    return value


RowId = Annotated[int, BeforeValidator(_beyond_range), Field(ge=1, le=limits.INT_MAX)]


def _iso_moment(value: Any) -> Any:
    """Only ISO 8601 text is a date and time here: pydantic would also read "0.5" or
    "1700000000" as seconds since 1970, which the declared format (date-time) does not allow."""
    if isinstance(value, str) and not ISO_MOMENT.match(value):
        raise ValueError("an ISO 8601 date and time with offset, e.g. 2027-01-31T00:00:00Z")
    return value


ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]")
IsoMoment = Annotated[datetime, BeforeValidator(_iso_moment)]
"""A date and time given as ISO 8601 text (query parameters and bodies alike)."""
"""A row id in a body: 1 to 2147483647 (what an INTEGER column holds on both databases)."""


def _consent_required(schema: dict[str, Any]) -> None:
    """The body's schema: ``consent`` listed as required (see :class:`ResponseCreate`)."""
    schema["required"] = [*schema.get("required", []), "consent"]
    schema["properties"]["consent"].pop("default", None)
    schema["examples"] = [
        {
            "organisation_id": 4,
            "stakeholder_group": "civil-society",
            "language": "en",
            "answers": ANSWER_SCHEMA["example"],
            "consent": True,
            "submit": True,
        }
    ]


class ResponseCreate(BaseModel):
    """A new response. ``consent`` is required (the schema says so), yet read as false when
    missing, so that a body without it gets the one refusal the README promises: 422 naming
    ``consent`` with ``allowed: [true]``, as ``false`` gets (not a bare "required")."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=_consent_required)

    organisation_id: RowId
    stakeholder_group: str | None = Field(default=None, max_length=100)
    language: str = Field(max_length=16, examples=["en"])
    answers: dict[str, Any] = Field(default_factory=dict, json_schema_extra=ANSWER_SCHEMA)
    consent: bool = Field(
        default=False,
        description="The respondent accepted the round's privacy notice. Required and must be "
        "`true`, for a draft as for a complete response (as on the respondent pages, a response "
        "exists only with consent): the notice version and the time are recorded "
        "(`consent_version`, `consented_at`). `false` or leaving it out is a 422 naming "
        "`consent` with `allowed: [true]`",
        examples=[True],
    )
    submit: bool = Field(default=False, description="Submit at once (all required answers)")


class AnswersChange(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    answers: dict[str, Any] = Field(json_schema_extra=ANSWER_SCHEMA)


class ResponseOut(BaseModel):
    id: str
    round_id: int
    organisation_id: int
    stakeholder_group: str | None
    language: str
    status: ResponseStatus
    revision: int
    answers: dict[str, Any]
    not_counted: list[str] = Field(
        description="Answered items that show_if hides: kept, not scored"
    )
    consent_version: str | None
    consented_at: datetime | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None

    @classmethod
    def of(cls, written: Written) -> ResponseOut:
        row = written.response
        return cls(
            id=row.public_id,
            round_id=row.round_id,
            organisation_id=row.organisation_id,
            stakeholder_group=row.stakeholder_group,
            language=row.language,
            status=ResponseStatus(row.status),
            revision=row.revision,
            answers=dict(row.answers),
            not_counted=list(written.not_counted),
            consent_version=row.consent_version,
            consented_at=row.consented_at,
            created_at=row.created_at,
            updated_at=row.updated_at,
            submitted_at=row.submitted_at,
        )


WRITTEN: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The response as stored",
        "headers": {**ETAG_HEADER, **REPLAYED_HEADER},
    }
}


CHANGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **WRITTEN,
    **BODY_PROBLEMS,
    409: problem(
        "The round does not accept answers, or the response was submitted, or it is a draft "
        "a respondent started on the pages (started-on-pages: the API changes only the "
        "drafts it started)",
        RoundNotAccepting,
    ),
    412: problem(
        "If-Match names another revision than the stored one; nothing was changed",
        RevisionMismatch,
        {"current_revision": 4},
    ),
    428: problem(
        "If-Match is missing; `current_revision` is the draft's revision now",
        PreconditionRequired,
        {"current_revision": 4},
    ),
}
