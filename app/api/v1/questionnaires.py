"""Questionnaires and their versions: public, read-only, cacheable by ETag."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request, Response
from pydantic import BaseModel
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.types import Scope

from app.api.kept import KeptAnswer, KeptAnswerRoute, kept_answer
from app.api.pagination import Page, PageDep
from app.api.problem_docs import PROBLEM_RESPONSES
from app.content_coding import accepts_gzip, etag_matches
from app.db import unit_of_work
from app.definition_files import definition_schema
from app.deps import SessionDep
from app.models import Questionnaire, QuestionnaireVersion
from app.services import definition_cache
from app.services import questionnaires as service
from scoring import LanguageCode

SlugPath = Annotated[
    str, Path(description="The questionnaire's slug", examples=["intercultural-integration"])
]

SCHEMA_MEDIA_TYPE = "application/schema+json"
router = APIRouter(
    prefix="/questionnaires",
    tags=["questionnaires"],
    responses=PROBLEM_RESPONSES,
    route_class=KeptAnswerRoute,
)
_LANG_QUERY = re.compile(rb"lang=([a-z]{2,3}(?:-[A-Z]{2})?)")
"""A query string of nothing but a language code as :data:`scoring.LanguageCode` allows it."""
_kept_answers: dict[tuple[str, str | None, bool, bool], KeptAnswer] = {}
"""The definition's answers per (content hash, language, gzip, not modified): a few per
version and language kept by :mod:`app.services.definition_cache`, never stale (the same
reason)."""


class VersionSummary(BaseModel):
    version: str
    status: str
    content_hash: str
    languages: list[str]
    published_at: datetime | None
    retired_at: datetime | None

    @classmethod
    def of(cls, row: QuestionnaireVersion) -> VersionSummary:
        return cls(
            version=row.version,
            status=row.status,
            content_hash=row.content_hash,
            languages=definition_cache.stored(row)["languages"],
            published_at=row.published_at,
            retired_at=row.retired_at,
        )


class QuestionnaireSummary(BaseModel):
    slug: str
    title: dict[str, str]
    languages: list[str]
    latest_version: str
    versions: list[VersionSummary]


@router.get("", response_model=Page[QuestionnaireSummary], summary="All questionnaires")
def list_questionnaires(session: SessionDep, page: PageDep) -> Page[QuestionnaireSummary]:
    found = service.page_questionnaires(session, page.limit, page.offset)
    return page.of(found.map(_summary))


def _summary(found: tuple[Questionnaire, list[QuestionnaireVersion]]) -> QuestionnaireSummary:
    questionnaire, versions = found
    latest = versions[-1]
    definition = definition_cache.stored(latest)
    return QuestionnaireSummary(
        slug=questionnaire.slug,
        title=definition["title"],
        languages=definition["languages"],
        latest_version=latest.version,
        versions=[VersionSummary.of(v) for v in versions],
    )


@router.get(
    "/schema",
    summary="The JSON Schema of the definition format",
    response_class=Response,
    responses={
        200: {
            "description": "JSON Schema (draft 2020-12) of a questionnaire definition: the "
            "format of definition files and of the version documents below",
            "content": {SCHEMA_MEDIA_TYPE: {"schema": {"type": "object"}}},
        },
        304: {"description": "Not modified (If-None-Match matched the ETag)"},
    },
)
def get_definition_schema(if_none_match: Annotated[str | None, Header()] = None) -> Response:
    """The same document as ``radar questionnaires schema``; it changes only with the
    service's version, so it is revalidated by its ETag rather than fetched again."""
    body, etag = definition_schema()
    headers = {"Cache-Control": "public, max-age=0, must-revalidate", "ETag": etag}
    if etag_matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=SCHEMA_MEDIA_TYPE, headers=headers)


@router.get(
    "/{slug}/versions", response_model=Page[VersionSummary], summary="Versions of a questionnaire"
)
def list_versions(slug: SlugPath, session: SessionDep, page: PageDep) -> Page[VersionSummary]:
    found = service.page_versions(session, slug, page.limit, page.offset)
    return page.of(found.map(VersionSummary.of))


def _kept_definition(scope: Scope) -> KeptAnswer | None:
    """The definition's answer without FastAPI's parameter handling, for a (slug, version) and
    language served before (:mod:`app.api.kept`): the query string empty or exactly
    ``lang=<code>`` (anything else, such as ``lang`` twice or percent-encoded, goes through
    :func:`get_definition`), ``Accept-Encoding`` and ``If-None-Match`` read as Starlette's
    ``Headers.get`` reads them (the first of each). None when anything is not kept yet."""
    hashes: definition_cache.VersionHashes | None = getattr(
        scope["app"].state, "version_hashes", None
    )
    if hashes is None:
        return None
    params = scope["path_params"]
    content_hash = hashes.get(params["slug"], params["version"])
    if content_hash is None:
        return None
    query = scope["query_string"]
    lang: str | None = None
    if query:
        found = _LANG_QUERY.fullmatch(query)
        if found is None:
            return None
        lang = found[1].decode("ascii")
    body = definition_cache.kept_json(content_hash, lang)
    if body is None:
        return None
    accept_encoding = if_none_match = None
    for name, value in scope["headers"]:
        if name == b"accept-encoding":
            if accept_encoding is None:
                accept_encoding = value.decode("latin-1")
        elif name == b"if-none-match" and if_none_match is None:
            if_none_match = value.decode("latin-1")
    choice = _choose(content_hash, lang, accept_encoding, if_none_match)
    key = (content_hash, lang, choice.gzip, choice.not_modified)
    answer = _kept_answers.get(key)
    if answer is None:
        answer = _kept_answers[key] = KeptAnswer.of(_answer(content_hash, lang, body, choice))
    return answer


@router.get(
    "/{slug}/versions/{version}",
    summary="One version's full definition",
    responses={
        200: {"description": "The definition (texts narrowed to one language with ?lang=)"},
        304: {"description": "Not modified (If-None-Match matched the ETag)"},
    },
)
@kept_answer(_kept_definition)
async def get_definition(
    request: Request,
    slug: SlugPath,
    version: Annotated[str, Path(description="A published version", examples=["1.0"])],
    lang: Annotated[
        LanguageCode | None,
        Query(
            description="Only texts in this language (a code the version declares; others are "
            "404 with the `available` languages)",
        ),
    ] = None,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """Gzip-encoded for clients that accept it (encoded once per version and language).

    Answered on the event loop, without a query, when this (slug, version) and language
    were served before (:class:`~app.services.definition_cache.VersionHashes`); otherwise
    looked up in a read unit of work on a worker thread."""
    hashes = _version_hashes(request.app)
    content_hash = hashes.get(slug, version)
    body = definition_cache.kept_json(content_hash, lang) if content_hash is not None else None
    if content_hash is None or body is None:
        engine = request.app.state.engine
        content_hash, body = await run_in_threadpool(_look_up, engine, hashes, slug, version, lang)
    assert content_hash is not None
    assert body is not None
    choice = _choose(content_hash, lang, request.headers.get("accept-encoding"), if_none_match)
    return _answer(content_hash, lang, body, choice)


@dataclass(frozen=True, slots=True)
class _Choice:
    """Which representation of a definition a request gets: gzip or not, its ``ETag`` (quoted),
    and whether ``If-None-Match`` names it (then the answer is a 304)."""

    gzip: bool
    etag: str
    not_modified: bool


def _choose(
    content_hash: str, lang: str | None, accept_encoding: str | None, if_none_match: str | None
) -> _Choice:
    """The representation for these request headers (``None`` where a header is absent): the
    one rule for the endpoint and the finder, so both choose alike."""
    etag = f"{content_hash}{'-' + lang if lang else ''}"
    packed = definition_cache.kept_gzip(content_hash, lang)
    gzip = packed is not None and accepts_gzip(accept_encoding)
    if gzip:
        etag += "-gzip"
    etag = f'"{etag}"'
    return _Choice(gzip, etag, etag_matches(if_none_match, etag))


def _answer(content_hash: str, lang: str | None, body: bytes, choice: _Choice) -> Response:
    """The definition's answer: ``body`` (the JSON kept for ``lang``) or its gzip encoding, or
    a 304, each with its caching headers."""
    headers = {"Cache-Control": "public, max-age=0, must-revalidate", "Vary": "Accept-Encoding"}
    if choice.gzip:
        packed = definition_cache.kept_gzip(content_hash, lang)
        assert packed is not None
        body = packed
        headers["Content-Encoding"] = "gzip"
    headers["ETag"] = choice.etag
    if choice.not_modified:
        headers.pop("Content-Encoding", None)
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


def _look_up(
    engine: Engine,
    hashes: definition_cache.VersionHashes,
    slug: str,
    version: str,
    lang: str | None,
) -> tuple[str, bytes]:
    """The version's hash and JSON from the database (NotFound for an unknown version or a
    language it does not offer), remembered for the next request."""
    with unit_of_work(engine, write=False) as session:
        row = service.get_version(session, slug, version)
        body = definition_cache.as_json(row, lang)  # refuses a language the version lacks
    hashes.remember(row, slug)
    return row.content_hash, body


def _version_hashes(app: Any) -> definition_cache.VersionHashes:
    hashes: definition_cache.VersionHashes | None = getattr(app.state, "version_hashes", None)
    if hashes is None:
        hashes = app.state.version_hashes = definition_cache.VersionHashes()
    return hashes
