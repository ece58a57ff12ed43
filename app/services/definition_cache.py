"""Published definitions, kept per process under their content hash.

A published version never changes (:func:`app.services.questionnaires.publish` refuses other
content under an existing version number), and its ``content_hash`` is the hash of exactly that
content. So everything derived from a stored definition can be kept under the hash for the
life of the process and is never stale: a changed definition is a new version with a new hash
and gets entries of its own; nothing is ever invalidated. What is kept per hash:

* the stored JSON, decoded once (the ``definition`` column is about 85 KB for the flagship:
  decoding it per request was a tenth of the write path's time, see docs/performance.md);
* the parsed and validated :class:`~scoring.Definition`, which itself keeps its compiled
  scoring and visibility plans (``scoring`` caches them on the definition);
* the JSON bytes served by the API, whole or narrowed to one language, and their gzip
  encoding (made with the JSON, once, so that no request compresses).

Queries that only need a version's identity or hash load rows with the ``definition`` column
deferred (:data:`WITHOUT_DEFINITION`): a row whose hash is cached never reads the column, one
whose hash is new reads it once. Entries are a few per published version (a service holds a
handful of versions), so the maps are not bounded. Two threads missing the same hash at once
both parse it and one result wins: harmless, since both are the same immutable content.

:class:`VersionHashes` keeps which hash a (slug, version) has in one database, so that the
definition API answers a repeated request without a query: see its docstring for why it is
never stale.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import QueryableAttribute, defer

from app.content_coding import gzipped
from app.models import QuestionnaireVersion
from app.services import definition_texts
from scoring import Definition, parse_definition

_DEFINITION_COLUMN: QueryableAttribute[Any] = QuestionnaireVersion.definition  # type: ignore[assignment]
WITHOUT_DEFINITION = defer(_DEFINITION_COLUMN)
"""Loader option: read a version row without its definition JSON (loaded only on a miss)."""

_stored: dict[str, Mapping[str, Any]] = {}
_parsed: dict[str, Definition] = {}
_json: dict[tuple[str, str | None], bytes] = {}
_gzip: dict[tuple[str, str | None], bytes | None] = {}


def stored(row: QuestionnaireVersion) -> Mapping[str, Any]:
    """The version's stored definition JSON (shared: callers must not change it)."""
    found = _stored.get(row.content_hash)
    if found is None:
        found = _stored[row.content_hash] = row.definition
    return found


def parsed(row: QuestionnaireVersion) -> Definition:
    """The version's definition as a model, validated once per content hash."""
    found = _parsed.get(row.content_hash)
    if found is None:
        found = _parsed[row.content_hash] = parse_definition(stored(row))
    return found


def as_json(row: QuestionnaireVersion, language: str | None) -> bytes:
    """The definition as the API sends it: UTF-8 JSON, whole (``language`` None) or with every
    text narrowed to ``language`` (:func:`~app.services.definition_texts.in_language`, which
    refuses a language the version does not offer)."""
    key = (row.content_hash, language)
    found = _json.get(key)
    if found is None:
        data = stored(row)
        body = data if language is None else definition_texts.in_language(data, language)
        text = json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        found = text.encode("utf-8")
        _gzip[key] = gzipped(found)  # before the JSON: whoever finds the JSON finds this
        _json[key] = found
    return found


def kept_json(content_hash: str, language: str | None) -> bytes | None:
    """The API's JSON bytes if they are kept already (see :func:`as_json`), else None."""
    return _json.get((content_hash, language))


def kept_gzip(content_hash: str, language: str | None) -> bytes | None:
    """The gzip encoding of :func:`kept_json`'s bytes (about a quarter of their size for the
    flagship), or None where it is not kept or would not be smaller."""
    return _gzip.get((content_hash, language))


class VersionHashes:
    """The content hash of each (slug, version) found in one database, kept per app.

    Why a kept entry is never stale: a version row's content and hash never change
    (:func:`app.services.questionnaires.publish` refuses other content under a published
    number), and no code path deletes a version or moves it to another questionnaire; retiring
    changes only ``status`` and ``retired_at``, which the definition API does not show. A
    version that is *not* found is not kept, so one published later (by ``radar questionnaires
    load`` in another process) is found by the next request. Restoring another database under a
    running server is the one way to break the rule, and ``radar db restore`` asks to stop the
    server first. Bounded: it starts again when full (a client may ask for many versions).
    """

    KEPT = 1024

    def __init__(self) -> None:
        self._hashes: dict[tuple[str, str], str] = {}

    def get(self, slug: str, version: str) -> str | None:
        return self._hashes.get((slug, version))

    def remember(self, row: QuestionnaireVersion, slug: str) -> None:
        if len(self._hashes) >= self.KEPT:
            self._hashes.clear()
        self._hashes[(slug, row.version)] = row.content_hash
