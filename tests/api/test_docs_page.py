"""/api/v1/docs is a page without inline script whose assets this app serves itself."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_docs_page_has_no_inline_script_and_only_local_assets(client: TestClient) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", response.text, re.S)
    assert scripts
    assert all("src=" in attrs and not body.strip() for attrs, body in scripts), scripts
    sources = re.findall(r'(?:src|href)="([^"]+)"', response.text)
    assert all(source.startswith(("/", "http://testserver/")) for source in sources), sources
    assert 'data-openapi-url="/api/v1/openapi.json"' in response.text


def test_swagger_ui_assets_come_from_the_installed_package(client: TestClient) -> None:
    script = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert "SwaggerUIBundle" in script.text
    assert client.get("/api/v1/docs/assets/swagger-ui.css").status_code == 200
    start = client.get("/static/api-docs.js")
    assert "validatorUrl: null" in start.text
    missing = client.get("/api/v1/docs/assets/..%2Fcore.py")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
