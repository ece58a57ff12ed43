"""Property-based API tests: schemathesis generates requests from the OpenAPI document and
checks every response against it (status codes, content types, bodies, no server errors), and
that data the document calls valid is accepted and invalid data refused.

Path parameters carry examples of real resources (the published questionnaires), so the
generated queries reach the code behind them; query parameters carry none, so their declared
schemas (``limit``, ``offset``, ``lang``) are explored at their edges."""

from __future__ import annotations

from pathlib import Path
from tempfile import mkdtemp

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from app.main import create_app
from app.settings import Settings

# The document only: this app never touches its (in-memory) database.
_DOCUMENT_APP = create_app(
    Settings(
        database_url="sqlite://",
        data_dir=Path(mkdtemp()),
        secret_key="document-only",
        trusted_hosts=["testserver"],
    )
)
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", _DOCUMENT_APP)


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_openapi_document(case: schemathesis.Case, api: TestClient) -> None:
    response = api.request(
        case.method,
        case.formatted_path,
        params=case.query,
        headers={**(case.headers or {})},
    )
    case.validate_response(response)
