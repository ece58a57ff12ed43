"""Static assets under content-hashed names, compressed once, cached by browsers for a year.

Every file of ``app/static`` and the two plotly assets (the bundle of the installed plotly
version and its style rules, see :mod:`app.web.plotly_bundle`) are read once per process into
an in-memory :class:`Registry`. Each asset gets a name with the first 12 hex digits of its
SHA-256 (``radar.css`` -> ``radar.3f2a9c01d4b7.css``); pages link that name through the
template helper ``asset_url('radar.css')``, so a changed file gets a new address and the old
one can be cached forever (``Cache-Control: public, max-age=31536000, immutable``).

Text assets are gzip-compressed (level 9) the first time a client that accepts gzip asks for
them, then kept: plotly.min.js goes from 4.8 MB to 1.5 MB, and no request compresses again.
Responses honour ``Accept-Encoding`` (including ``q=0``) and carry ``Vary: Accept-Encoding``
and a strong ``ETag`` per encoding; ``If-None-Match`` answers 304.

The unhashed names (``/static/radar.css``, also ``url_for('assets.static', path=...)``)
keep working for old pages and hand-written links, with ``Cache-Control: no-cache`` so that
browsers revalidate them by ETag instead of keeping an outdated copy.
"""

from __future__ import annotations

import hashlib
import mimetypes
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from app.content_coding import accepts_gzip, etag_matches, gzipped
from app.errors import NotFound
from app.i18n import N_, Message
from app.templating import environment
from app.web.plotly_bundle import plotly_css, plotly_js

router = APIRouter()

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
HASH_LENGTH = 12
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
GZIP_LEVEL = 9
MEDIA_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
}
COMPRESSIBLE = ("text/", "image/svg+xml", "application/json")
_UNSET = object()


class Asset:
    """One static file: its bytes, hashed name, media type and (on demand) gzip encoding."""

    def __init__(self, path: str, body: bytes) -> None:
        self.path = path
        self.body = body
        self.digest = hashlib.sha256(body).hexdigest()[:HASH_LENGTH]
        folder, slash, name = path.rpartition("/")
        stem, dot, suffix = name.rpartition(".")
        hashed = f"{stem}.{self.digest}.{suffix}" if dot and stem else f"{name}.{self.digest}"
        self.hashed_path = f"{folder}{slash}{hashed}"
        suffix_key = f".{suffix.lower()}" if dot else ""
        guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
        self.media_type = MEDIA_TYPES.get(suffix_key, guessed)
        self.compressible = self.media_type.startswith(COMPRESSIBLE)
        self._gzip: object = _UNSET
        self._lock = threading.Lock()

    @property
    def gzip_ready(self) -> bool:
        return self._gzip is not _UNSET

    def gzipped(self) -> bytes | None:
        """The gzip encoding (made once, deterministic), or None where it would not be smaller.

        Concurrent first callers wait for one compression instead of each doing it.
        """
        with self._lock:
            if self._gzip is _UNSET:
                self._gzip = gzipped(self.body, GZIP_LEVEL) if self.compressible else None
            found = self._gzip
        assert found is None or isinstance(found, bytes)
        return found


@dataclass(frozen=True)
class Registry:
    """Assets by their plain and by their hashed path (relative to ``/static/``)."""

    by_path: Mapping[str, Asset]
    by_hashed_path: Mapping[str, Asset]

    @classmethod
    def of(cls, sources: Mapping[str, bytes]) -> Registry:
        assets = [Asset(path, body) for path, body in sorted(sources.items())]
        return cls({a.path: a for a in assets}, {a.hashed_path: a for a in assets})


def read_directory(directory: Path) -> dict[str, bytes]:
    """Every file below ``directory`` by its relative POSIX path."""
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The process's assets, read once (files change only with a new release)."""
    sources = read_directory(STATIC_DIR)
    sources["plotly.min.js"] = plotly_js().read_bytes()
    sources["plotly.css"] = plotly_css().encode()
    return Registry.of(sources)


def asset_url(path: str) -> str:
    """``/static/<hashed name>`` of an asset, for templates; an unknown path is a KeyError."""
    try:
        hashed = registry().by_path[path].hashed_path
    except KeyError:
        raise KeyError(f"no static asset {path!r} (app/static or plotly)") from None
    return str(router.url_path_for("assets.static", path=hashed))


environment.globals["asset_url"] = asset_url


@router.api_route("/static/{path:path}", methods=["GET", "HEAD"], name="assets.static")
async def static_asset(path: str, request: Request) -> Response:
    """An asset by hashed name (immutable) or plain name (revalidated), gzip if accepted."""
    found = registry()
    asset = found.by_hashed_path.get(path)
    cache_control = IMMUTABLE
    if asset is None:
        asset, cache_control = found.by_path.get(path), REVALIDATE
    if asset is None:
        raise NotFound(Message(N_("This page does not exist.")))
    body, etag = asset.body, f'"{asset.digest}"'
    headers = {"Cache-Control": cache_control}
    if asset.compressible:
        headers["Vary"] = "Accept-Encoding"
        if accepts_gzip(request.headers.get("accept-encoding")):
            packed = asset.gzipped() if asset.gzip_ready else await run_in_threadpool(asset.gzipped)
            if packed is not None:
                body, etag = packed, f'"{asset.digest}-gzip"'
                headers["Content-Encoding"] = "gzip"
    headers["ETag"] = etag
    if etag_matches(request.headers.get("if-none-match"), etag):
        headers.pop("Content-Encoding", None)
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=asset.media_type, headers=headers)
