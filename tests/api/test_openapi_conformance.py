"""Property-based API tests: schemathesis generates requests from the OpenAPI document and
checks every response against it (status codes, content types, bodies, no server errors), and
that data the document calls valid is accepted and invalid data refused.

Path parameters carry examples of real resources (the published questionnaires; round,
organisation and response 1 of a project whose token every request carries), so the
generated requests reach the code behind them; query parameters carry none, so their declared
schemas (``limit``, ``offset``, ``lang``, filters) are explored at their edges."""

from __future__ import annotations

from pathlib import Path
from tempfile import mkdtemp

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from sqlmodel import Session

from app.main import create_app
from app.models import ApiToken
from app.services.api_tokens import ALL_SCOPES
from app.services.questionnaires import Published
from app.settings import Settings
from app.tokens import hash_token
from tests import factories

EXAMPLE_RESPONSE = "0123456789abcdef0123456789abcdef"  # the example id in the document

# The document only: this app never touches its (in-memory) database.
_DOCUMENT_APP = create_app(
    Settings(
        database_url="sqlite://",
        data_dir=Path(mkdtemp()),
        secret_key="document-only",
        trusted_hosts=["testserver"],
        export_worker=False,  # no database to poll
    )
)
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", _DOCUMENT_APP)
TOKEN = "radar_" + "Schemathesis0" * 3 + "Tok0"
"""A fixed token (cases are generated before any fixture runs); each test stores its hash."""


@schema.auth()
class CurrentToken:
    """The token of the current test's project as the Bearer credentials, so generated requests
    reach the routes behind it (schemathesis also sends requests without and with a wrong one,
    to see them refused)."""

    def get(self, case: schemathesis.Case, context: schemathesis.AuthContext) -> str:
        return TOKEN

    def set(self, case: schemathesis.Case, data: str, context: schemathesis.AuthContext) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def token(app: FastAPI, session: Session, loaded: list[Published]) -> str:
    """A token with every scope, of a project whose round, organisation and response (with
    the example id of the document) are the first of their tables."""
    net = factories.network(session)
    factories.response(session, net.round, net.organisation, public_id=EXAMPLE_RESPONSE)
    assert net.project.id is not None
    session.add(
        ApiToken(
            project_id=net.project.id,
            name="schemathesis",
            token_hash=hash_token(TOKEN),
            prefix=TOKEN[:14],
            scopes=list(ALL_SCOPES),
        )
    )
    session.commit()
    app.state.settings.api_requests_per_minute = 100_000  # explore, not throttle
    return TOKEN


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_openapi_document(
    case: schemathesis.Case, api: TestClient, token: str
) -> None:
    response = case.call(app=api.app)  # the test's app and database; bodies as generated
    # Answers are checked against the questionnaire version the round uses, which a JSON
    # schema cannot express: a schema-valid body may rightly get the documented 422 (unknown
    # item, value off the scale, required answers missing); and a schema-valid If-Match may
    # name a revision that is not the stored one (the documented 412). Everything else is
    # checked for these operations, every check for the others. Likewise ``?before=`` of a
    # round's change must name an *earlier* round of the project, not the round itself (the
    # documented 422), ``?round=`` a round of the project on the version, and
    # ``?organisations=``, ``?organisation=`` and ``?organisation_id=`` only the project's (or
    # the cohort's) organisations (else the 422 "no organisation 7 in this project", which a
    # schema cannot know: a query parameter's id is a value of it); ``?group=`` and
    # ``?stakeholder_group=`` only a group the round has.
    headers = {parameter.name for parameter in case.operation.headers}
    before = (case.query or {}).get("before")
    same_round = case.path.endswith("/change") and before == (case.path_parameters or {}).get(
        "round_id"
    )
    query = case.query or {}
    chosen = any(
        query.get(name)
        for name in (
            "organisations",
            "organisation",
            "organisation_id",
            "round",
            "group",
            "stakeholder_group",
        )
    )
    chosen = chosen or before is not None
    excluded = (
        [positive_data_acceptance]
        if case.operation.body or "If-Match" in headers or same_round or chosen
        else []
    )
    case.validate_response(response, excluded_checks=excluded)
