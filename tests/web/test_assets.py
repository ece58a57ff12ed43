"""Static assets: hashed names linked by pages, compressed once, cached for a year."""

from __future__ import annotations

import doctest
import gzip
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app import content_coding
from app.main import create_app
from app.settings import Settings
from app.web import assets
from app.web.plotly_bundle import plotly_js
from tests.web.pages import Page

LINKED = re.compile(r'(?:href|src)="(/static/[^"]+)"')
HASHED = re.compile(r"^/static/[\w./-]+\.[0-9a-f]{12}\.\w+$")


@pytest.fixture
def static_client(tmp_path: Path) -> Iterator[TestClient]:
    """An app whose database is never touched: static files need none."""
    settings = Settings(
        data_dir=tmp_path,
        secret_key="test-secret-key-not-for-production",
        trusted_hosts=["testserver"],
    )
    with TestClient(create_app(settings)) as client:
        yield client


def raw_get(client: TestClient, url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and the bytes as sent (the client would otherwise decode gzip)."""
    with client.stream("GET", url, headers=headers) as response:
        return response.status_code, dict(response.headers), b"".join(response.iter_raw())


def test_pages_link_hashed_assets_that_are_immutable_and_compressed(
    client: TestClient, submitted: Page
) -> None:
    step = Page.get(client, "/respond/review").text  # base layout: stylesheet and icon
    links = set(LINKED.findall(submitted.text)) | set(LINKED.findall(step))
    assert {link.split("/")[2].split(".")[0] for link in links} >= {
        "radar",
        "favicon",
        "plotly",
        "result",
    }
    for link in links:
        assert HASHED.match(link), link
        status, headers, sent = raw_get(client, link, **{"Accept-Encoding": "gzip"})
        assert status == 200, link
        assert headers["cache-control"] == "public, max-age=31536000, immutable"
        assert headers["vary"] == "Accept-Encoding"
        assert headers["content-encoding"] == "gzip"
        status, plain_headers, plain = raw_get(client, link, **{"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain_headers
        assert gzip.decompress(sent) == plain
        assert len(sent) < len(plain)


@pytest.mark.parametrize("name", ["radar.css", "respond.js", "result.js", "favicon.svg"])
def test_compressed_assets_decompress_to_the_files(static_client: TestClient, name: str) -> None:
    on_disk = (assets.STATIC_DIR / name).read_bytes()
    url = assets.asset_url(name)
    _status, headers, sent = raw_get(static_client, url, **{"Accept-Encoding": "gzip, br"})
    assert headers["content-encoding"] == "gzip"
    assert gzip.decompress(sent) == on_disk
    plain = raw_get(static_client, url, **{"Accept-Encoding": "identity"})[1]
    assert headers["etag"] != plain["etag"]  # one per encoding


def test_the_plotly_bundle_is_served_compressed(static_client: TestClient) -> None:
    bundle = plotly_js().read_bytes()
    url = assets.asset_url("plotly.min.js")
    _status, headers, sent = raw_get(static_client, url, **{"Accept-Encoding": "gzip"})
    assert headers["content-type"] == "text/javascript; charset=utf-8"
    assert len(sent) < len(bundle) / 2
    assert gzip.decompress(sent) == bundle


@pytest.mark.parametrize(
    ("accept", "compressed"),
    [
        ("gzip", True),
        ("deflate, gzip;q=0.5", True),
        ("*", True),
        ("identity", False),
        ("gzip;q=0", False),
        ("br, *;q=0", False),
        ("", False),
    ],
)
def test_accept_encoding_is_honoured(
    static_client: TestClient, accept: str, compressed: bool
) -> None:
    on_disk = (assets.STATIC_DIR / "radar.css").read_bytes()
    _status, headers, sent = raw_get(
        static_client, assets.asset_url("radar.css"), **{"Accept-Encoding": accept}
    )
    assert headers["vary"] == "Accept-Encoding"
    assert ("content-encoding" in headers) is compressed
    assert (gzip.decompress(sent) if compressed else sent) == on_disk


def test_compression_happens_once_not_per_request(
    static_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = assets.asset_url("respond.js")
    first = raw_get(static_client, url, **{"Accept-Encoding": "gzip"})[2]
    calls: list[int] = []
    real = gzip.compress

    def counting(data: bytes, *args: int, **kwargs: int) -> bytes:
        calls.append(len(data))
        return real(data, *args, **kwargs)

    monkeypatch.setattr(content_coding.gzip, "compress", counting)
    for _ in range(3):
        assert raw_get(static_client, url, **{"Accept-Encoding": "gzip"})[2] == first
    assert calls == []


def test_hashed_name_follows_the_content(tmp_path: Path) -> None:
    (tmp_path / "css").mkdir()
    target = tmp_path / "css" / "site.css"
    target.write_bytes(b"body{color:red}")
    before = assets.Registry.of(assets.read_directory(tmp_path)).by_path["css/site.css"]
    assert re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", before.hashed_path)
    again = assets.Registry.of(assets.read_directory(tmp_path)).by_path["css/site.css"]
    assert again.hashed_path == before.hashed_path
    target.write_bytes(b"body{color:blue}")
    after = assets.Registry.of(assets.read_directory(tmp_path)).by_path["css/site.css"]
    assert after.hashed_path != before.hashed_path
    assert assets.Asset("LICENSE", b"x").hashed_path.startswith("LICENSE.")


def test_not_modified_and_head(static_client: TestClient) -> None:
    url = assets.asset_url("radar.css")
    etag = static_client.get(url, headers={"Accept-Encoding": "gzip"}).headers["etag"]
    again = static_client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["cache-control"] == "public, max-age=31536000, immutable"
    head = static_client.head(url, headers={"Accept-Encoding": "identity"})
    assert head.status_code == 200
    assert int(head.headers["content-length"]) == (assets.STATIC_DIR / "radar.css").stat().st_size


def test_old_unhashed_names_keep_working_but_revalidate(static_client: TestClient) -> None:
    for name in ("radar.css", "plotly.css", "plotly.min.js"):
        response = static_client.get(f"/static/{name}")
        assert response.status_code == 200, name
        assert response.headers["cache-control"] == "no-cache"
        assert response.content == assets.registry().by_path[name].body
    missing = static_client.get("/static/nothing.css")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")
    assert static_client.get("/static/radar.000000000000.css").status_code == 404


def test_templates_name_only_existing_assets() -> None:
    with pytest.raises(KeyError, match=r"no static asset 'missing\.js'"):
        assets.asset_url("missing.js")


def test_content_coding_examples_hold() -> None:
    assert doctest.testmod(content_coding).failed == 0
