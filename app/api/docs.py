"""The browsable API documentation at ``/api/v1/docs``: Swagger UI under the app's strict CSP.

FastAPI's built-in page loads Swagger UI from a CDN and starts it with an inline script, which
``script-src 'self'`` blocks (a blank page). Here the Swagger UI assets come from the pinned
``fastapi-offline`` package (it ships Swagger UI 5, which reads OpenAPI 3.1) and are served by
this app; the start code is the static file ``app/static/api-docs.js``, which reads the
document's address from a data attribute. Nothing loads from another host.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse

from app import links
from app.templating import render_page

router = APIRouter(prefix="/api/v1/docs", include_in_schema=False)

ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
}
CACHE = {"Cache-Control": "public, max-age=86400"}


@lru_cache
def assets_dir() -> Path:
    return Path(str(files("fastapi_offline") / "static"))


@router.get("", response_class=HTMLResponse, name="api.docs")
def api_docs(request: Request) -> HTMLResponse:
    """The Swagger UI page for the OpenAPI document of version 1."""
    return render_page(
        request,
        "api_docs.html",
        {
            "openapi_url": request.app.openapi_url,
            "bundle_url": links.path_for(request, "api.docs.asset", name="swagger-ui-bundle.js"),
            "css_url": links.path_for(request, "api.docs.asset", name="swagger-ui.css"),
        },
    )


@router.get("/assets/{name}", name="api.docs.asset")
def api_docs_asset(name: str) -> FileResponse:
    """Swagger UI's script and stylesheet from the installed package (cached for a day)."""
    if name not in ASSETS:
        raise HTTPException(404, f"no documentation asset {name!r}")
    return FileResponse(assets_dir() / name, media_type=ASSETS[name], headers=CACHE)
