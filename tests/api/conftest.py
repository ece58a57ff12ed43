"""API fixtures: a client with the project's questionnaires published."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.services.questionnaires import Published


@pytest.fixture
def api(client: TestClient, loaded: list[Published]) -> TestClient:
    return client
