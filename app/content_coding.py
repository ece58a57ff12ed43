"""HTTP content coding for bytes kept in memory: which encoding a client accepts, and whether
its ``If-None-Match`` names the representation it would get.

Shared by the static assets (:mod:`app.web.assets`) and the API's definition JSON
(:mod:`app.api.v1.questionnaires`), the two places that answer immutable bytes: both keep a
gzip encoding made once and pick it per request, so no request compresses anything.
RFC 9110 sections 12.5.3 (``Accept-Encoding``, ``q=0`` refuses) and 13.1.2 (``If-None-Match``,
weak comparison) are the rules followed.
"""

from __future__ import annotations

import gzip


def accepts_gzip(header: str | None) -> bool:
    """Whether an ``Accept-Encoding`` header allows gzip (``gzip;q=0`` refuses it).

    >>> accepts_gzip("gzip, deflate, br"), accepts_gzip("br;q=1, gzip;q=0"), accepts_gzip("*")
    (True, False, True)
    >>> accepts_gzip(None), accepts_gzip("identity")
    (False, False)
    """
    weights: dict[str, float] = {}
    for part in (header or "").split(","):
        coding, *parameters = (piece.strip() for piece in part.split(";"))
        weight = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if coding:
            weights[coding.lower()] = weight
    return weights.get("gzip", weights.get("x-gzip", weights.get("*", 0.0))) > 0


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (weak comparison, ``*`` matches anything).

    >>> etag_matches('W/"abc", "def"', '"abc"'), etag_matches('"x"', '"abc"')
    (True, False)
    >>> etag_matches(None, '"a"'), etag_matches("*", '"a"')
    (False, True)
    """
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag in tags


def gzipped(body: bytes, level: int = 9) -> bytes | None:
    """``body`` gzip-encoded, deterministic (no time stamp, so equal bytes give an equal
    ETag), or None where the encoding would not be smaller.

    >>> gzipped(b"a" * 1000) is not None, gzipped(b"")
    (True, None)
    """
    packed = gzip.compress(body, level, mtime=0)
    return packed if len(packed) < len(body) else None
