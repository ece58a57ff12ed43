"""What the API tests share: the problem+json check and creating a response."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from tests import factories

COMPLETE = {"leadership.mandate": 3, "leadership.has_budget": "no", "services.training": 4}
"""Every required answer of ``mini`` 1.0 (the budget question hides its follow-up)."""


def problem(answer: Response, status: int, slug: str) -> dict[str, Any]:
    """The body of a problem+json answer, after checking its status and type."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = answer.json()
    assert body["type"] == f"/problems/{slug}"
    return body


def create(
    client: TestClient, net: factories.Network, headers: dict[str, str], **body: Any
) -> Response:
    """POST a response to the network's round for its organisation, in English, with the
    respondent's consent (``consent=False`` to leave it out)."""
    payload = {"organisation_id": net.organisation.id, "language": "en", "consent": True, **body}
    return client.post(f"/api/v1/rounds/{net.round.id}/responses", json=payload, headers=headers)
