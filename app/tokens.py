"""Secret tokens for links and API access: 256 random bits, stored only as a SHA-256 hash.

A fast hash is right here (unlike passwords): the tokens are long random values, so there is
nothing to brute-force, and lookups by hash stay indexable. Comparison of presented values
happens through the unique index on the hash, never by comparing secrets in Python; where a
secret must be compared directly, :func:`same` is constant-time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

TOKEN_BYTES = 32
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


def is_token_shaped(value: str) -> bool:
    """Whether ``value`` looks like a :func:`new_token` (43 URL-safe characters), so that a
    lookup may send its hash; anything else can be refused without asking the database."""
    return TOKEN_SHAPE.fullmatch(value) is not None


def new_token() -> str:
    """A URL-safe random token (256 bits)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """The stored form of a token; any string hashes (one that is not valid UTF-8, too: it
    then matches nothing rather than failing)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(
        a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass")
    )


def derived_token(key: str, purpose: str, *parts: str) -> str:
    """A URL-safe token (256 bits) computed from a secret key and public parts.

    HMAC-SHA256 over ``purpose`` and ``parts``: the same inputs give the same token, so a link
    can be shown again without storing it; without the key nobody can compute it. Changing a
    part (a generation counter) gives an unrelated token.
    """
    message = "\x00".join((purpose, *parts)).encode("utf-8")
    digest = hmac.new(key.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
