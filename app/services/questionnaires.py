"""Publishing and reading questionnaire versions.

A published version is immutable: loading different content under an existing version number
is refused with :class:`~app.errors.Conflict` and nothing changes. Loading the same content
again is a no-op, so ``radar questionnaires load`` is idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sqlmodel import Session, col, select

from app import limits
from app.db_types import utcnow
from app.definition_files import definition_files, read_definition
from app.errors import NO_QUESTIONNAIRE, NO_VERSION, Conflict, LanguageNotOffered, NotFound
from app.i18n import N_, Message
from app.models import Questionnaire, QuestionnaireVersion, VersionStatus
from app.services import audit, definition_cache
from app.services.paging import Slice, page_of
from scoring import Definition, shorten

CONTENT_CHANGED = N_(
    "%(slug)s %(version)s is already published with different content; a published version "
    "never changes: give the new content a new version number"
)


class PublishOutcome(StrEnum):
    CREATED = "created"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Published:
    slug: str
    version: str
    outcome: PublishOutcome


def publish(session: Session, definition: Definition) -> Published:
    """Store a definition as a published version (does not commit)."""
    content_hash = definition.content_hash()
    questionnaire = session.exec(
        select(Questionnaire).where(Questionnaire.slug == definition.slug)
    ).first()
    if questionnaire is None:
        questionnaire = Questionnaire(slug=definition.slug)
        session.add(questionnaire)
        session.flush()
    existing = _version(session, definition.slug, definition.version)
    if existing is not None:
        if existing.content_hash != content_hash:
            raise Conflict(
                Message(CONTENT_CHANGED, slug=definition.slug, version=definition.version),
                slug=definition.slug,
                version=definition.version,
            )
        return Published(definition.slug, definition.version, PublishOutcome.UNCHANGED)
    assert questionnaire.id is not None
    session.add(
        QuestionnaireVersion(
            questionnaire_id=questionnaire.id,
            version=definition.version,
            definition=definition.model_dump(mode="json"),
            content_hash=content_hash,
            status=VersionStatus.PUBLISHED,
            published_at=utcnow(),
        )
    )
    session.flush()
    audit.record(
        session,
        "questionnaire.publish",
        object_type="questionnaire_version",
        object_id=f"{definition.slug} {definition.version}",
        hash=content_hash[:12],
    )
    return Published(definition.slug, definition.version, PublishOutcome.CREATED)


def load_directory(session: Session, directory: Path) -> list[Published]:
    """Publish every definition file below ``directory``; in the caller's one unit of work
    this is all or nothing (one broken file publishes none)."""
    return [publish(session, read_definition(path)) for path in definition_files(directory)]


def retire(session: Session, slug: str, version: str) -> QuestionnaireVersion:
    """No new rounds may use a retired version; its responses stay readable."""
    row = get_version(session, slug, version)
    if row.status != VersionStatus.RETIRED:
        row.status = VersionStatus.RETIRED
        row.retired_at = utcnow()
        session.add(row)
        audit.record(
            session,
            "questionnaire.retire",
            object_type="questionnaire_version",
            object_id=f"{slug} {version}",
        )
    return row


def list_questionnaires(session: Session) -> list[tuple[Questionnaire, list[QuestionnaireVersion]]]:
    """Every questionnaire with its versions, read without their definitions (their texts come
    from :mod:`app.services.definition_cache`)."""
    rows = session.exec(
        select(Questionnaire, QuestionnaireVersion)
        .join(QuestionnaireVersion)
        .options(definition_cache.WITHOUT_DEFINITION)
        .order_by(col(Questionnaire.slug), col(QuestionnaireVersion.id))
    ).all()
    grouped: dict[int, tuple[Questionnaire, list[QuestionnaireVersion]]] = {}
    for questionnaire, version in rows:
        assert questionnaire.id is not None
        grouped.setdefault(questionnaire.id, (questionnaire, []))[1].append(version)
    return list(grouped.values())


Listing = tuple[tuple[str, str, str, str], ...]
"""Every version as (questionnaire slug, version, status, content hash), in the order of
:func:`list_questionnaires`: what the front page shows, as one comparable value."""


def version_listing(session: Session) -> Listing:
    """The :data:`Listing` in one light query (no objects, no definitions)."""
    rows = session.exec(
        select(
            col(Questionnaire.slug),
            col(QuestionnaireVersion.version),
            col(QuestionnaireVersion.status),
            col(QuestionnaireVersion.content_hash),
        )
        .join(QuestionnaireVersion)
        .order_by(col(Questionnaire.slug), col(QuestionnaireVersion.id))
    ).all()
    return tuple(
        (slug, version, str(status), content_hash) for slug, version, status, content_hash in rows
    )


def listing_of(found: list[tuple[Questionnaire, list[QuestionnaireVersion]]]) -> Listing:
    """The :data:`Listing` of what :func:`list_questionnaires` returned."""
    return tuple(
        (questionnaire.slug, v.version, str(v.status), v.content_hash)
        for questionnaire, versions in found
        for v in versions
    )


def page_questionnaires(
    session: Session, limit: int, offset: int
) -> Slice[tuple[Questionnaire, list[QuestionnaireVersion]]]:
    """One page of questionnaires (by slug) that have versions, each with all its versions.

    Two queries whatever the page size: the page of questionnaires (with the count), then the
    versions of just those.
    """
    with_versions = select(QuestionnaireVersion.id).where(
        QuestionnaireVersion.questionnaire_id == Questionnaire.id
    )
    page = page_of(
        session,
        select(Questionnaire).where(with_versions.exists()).order_by(col(Questionnaire.slug)),
        limit,
        offset,
    )
    ids = [questionnaire.id for questionnaire in page.items]
    versions: dict[int | None, list[QuestionnaireVersion]] = {id_: [] for id_ in ids}
    for row in session.exec(
        select(QuestionnaireVersion)
        .where(col(QuestionnaireVersion.questionnaire_id).in_(ids))
        .options(definition_cache.WITHOUT_DEFINITION)
        .order_by(col(QuestionnaireVersion.id))
    ):
        versions[row.questionnaire_id].append(row)
    return page.map(lambda questionnaire: (questionnaire, versions[questionnaire.id]))


def page_versions(
    session: Session, slug: str, limit: int, offset: int
) -> Slice[QuestionnaireVersion]:
    """One page of a questionnaire's versions in publication order; NotFound if it has none."""
    if not limits.findable(slug, Questionnaire.slug):
        raise NotFound(Message(NO_QUESTIONNAIRE, slug=shorten(slug)))
    page = page_of(
        session,
        select(QuestionnaireVersion)
        .join(Questionnaire)
        .where(Questionnaire.slug == slug)
        .order_by(col(QuestionnaireVersion.id)),
        limit,
        offset,
    )
    if page.total == 0:
        raise NotFound(Message(NO_QUESTIONNAIRE, slug=shorten(slug)))
    return page


def get_versions(session: Session, slug: str) -> list[QuestionnaireVersion]:
    versions = (
        session.exec(
            select(QuestionnaireVersion)
            .join(Questionnaire)
            .where(Questionnaire.slug == slug)
            .order_by(col(QuestionnaireVersion.id))
        ).all()
        if limits.findable(slug, Questionnaire.slug)
        else []
    )
    if not versions:
        raise NotFound(Message(NO_QUESTIONNAIRE, slug=shorten(slug)))
    return list(versions)


def get_version(session: Session, slug: str, version: str) -> QuestionnaireVersion:
    row = _version(session, slug, version)
    if row is None:
        raise NotFound(Message(NO_VERSION, version=shorten(version), slug=shorten(slug)))
    return row


def asked_language(definition: Definition, asked: str | None, default: str) -> str:
    """The language a parameter (``?lang=``, ``labels=``) asks texts in, ``default`` when it
    asks none; :class:`LanguageNotOffered` (404, with ``available``) for one the version has
    no texts in: the code is well formed, there are just no texts in it."""
    if asked is None:
        return default
    if asked not in definition.languages:
        raise LanguageNotOffered(asked, sorted(definition.languages))
    return asked


def definition_of(row: QuestionnaireVersion) -> Definition:
    """The stored definition as a model, validated again once per process and content hash
    (catches tampering; see :mod:`app.services.definition_cache`)."""
    return definition_cache.parsed(row)


def _version(session: Session, slug: str, version: str) -> QuestionnaireVersion | None:
    if not (
        limits.findable(slug, Questionnaire.slug)
        and limits.findable(version, QuestionnaireVersion.version)
    ):
        return None
    return session.exec(
        select(QuestionnaireVersion)
        .join(Questionnaire)
        .where(Questionnaire.slug == slug, QuestionnaireVersion.version == version)
        .options(definition_cache.WITHOUT_DEFINITION)
    ).first()
