"""Database tables (SQLModel). API and form schemas live next to their routes, not here.

Secrets (invitation, resume, session, report-link and API tokens, passwords) are stored only
as hashes. Every table that belongs to a project reaches it through a foreign key, so access
checks can always ask "is this object in the caller's project?".
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db_types import UTCDateTime, utcnow
from scoring import IDENTIFIER_LENGTH, VERSION_LENGTH

# Named constraints, so that migrations (SQLite batch mode included) can alter them later.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def _moment() -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=True)


def _json(default: Any = dict) -> Any:
    return Field(default_factory=default, sa_column=Column(JSON, nullable=False))


def new_public_id() -> str:
    return uuid.uuid4().hex


class VersionStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class ResponseStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class ExportJobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Role(StrEnum):
    ADMIN = "admin"
    FACILITATOR = "facilitator"


class OrganisationKind(StrEnum):
    REGION = "region"
    MUNICIPALITY = "municipality"
    COUNTY = "county"
    CITY = "city"
    NGO = "ngo"
    OTHER = "other"


class AreaType(StrEnum):
    URBAN = "urban"
    RURAL = "rural"


class ScoreKind(StrEnum):
    DIMENSION = "dimension"
    AREA = "area"
    INDEX = "index"
    OVERALL = "overall"


class Questionnaire(SQLModel, table=True):
    __tablename__ = "questionnaire"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=IDENTIFIER_LENGTH, unique=True)
    created_at: datetime = _created()


class QuestionnaireVersion(SQLModel, table=True):
    """One immutable version of a questionnaire: the validated definition and its hash."""

    __tablename__ = "questionnaire_version"
    __table_args__ = (UniqueConstraint("questionnaire_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    questionnaire_id: int = Field(foreign_key="questionnaire.id", ondelete="CASCADE", index=True)
    version: str = Field(max_length=VERSION_LENGTH)
    definition: dict[str, Any] = _json()
    content_hash: str = Field(max_length=64)
    status: VersionStatus = Field(default=VersionStatus.PUBLISHED, sa_type=String(16))
    created_at: datetime = _created()
    published_at: datetime | None = _moment()
    retired_at: datetime | None = _moment()


class User(SQLModel, table=True):
    """A facilitator or admin account; the e-mail address is stored lower-case."""

    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    display_name: str = Field(max_length=200)
    password_hash: str = Field(max_length=255)
    role: Role = Field(default=Role.FACILITATOR, sa_type=String(16))
    is_active: bool = True
    created_at: datetime = _created()
    deactivated_at: datetime | None = _moment()
    # One admin-issued password-reset link at a time: only its hash, until it is used or expires.
    reset_token_hash: str | None = Field(default=None, max_length=64, unique=True)
    reset_expires_at: datetime | None = _moment()


class Project(SQLModel, table=True):
    """A network or cohort of partner organisations, run by its facilitators."""

    __tablename__ = "project"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=4000)
    min_group_size: int = Field(default=3, ge=1)
    created_at: datetime = _created()
    archived_at: datetime | None = _moment()


class ProjectMember(SQLModel, table=True):
    __tablename__ = "project_member"

    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", primary_key=True)
    created_at: datetime = _created()


class Organisation(SQLModel, table=True):
    """A partner region, municipality or body within a project."""

    __tablename__ = "organisation"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=200)
    country: str = Field(default="", max_length=2)
    kind: str = Field(default="region", max_length=32)
    population: int | None = Field(default=None, ge=0)
    foreign_born_share: float | None = None  # percent of residents born abroad, 0 to 100
    area_type: str | None = Field(default=None, max_length=16)  # AreaType: urban or rural
    created_at: datetime = _created()


class Round(SQLModel, table=True):
    """One assessment round of a project with one questionnaire version ("baseline 2026")."""

    __tablename__ = "round"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    questionnaire_version_id: int = Field(foreign_key="questionnaire_version.id", index=True)
    name: str = Field(max_length=200)
    opens_at: datetime | None = _moment()
    closes_at: datetime | None = _moment()
    closed_at: datetime | None = _moment()
    anonymous: bool = False
    min_group_size: int | None = Field(default=None, ge=1)
    """The smallest group an aggregate of this round shows; None: the project's."""
    privacy_notices: dict[str, str] = _json()
    """The data-protection notice per language of the questionnaire version (``{"de": ...}``)."""
    stakeholder_groups: list[dict[str, Any]] = _json(list)
    """The round's groups: ``[{"key": "civil-society", "labels": {"de": ..., "en": ...}}]``."""
    notice_version: str = Field(default="1", max_length=32)
    revision: int = 1
    """Counts changes of the settings (edit, extend, close, reopen; migration 0009): a form
    posts the revision it showed, so a change made meanwhile in another tab is not lost."""
    created_at: datetime = _created()


class Invitation(SQLModel, table=True):
    """A link into a round for one organisation; only the token's hash is stored.

    ``number`` names it within its round (#1, #2 ...; migration 0007), as pages and the CLI
    show it."""

    __tablename__ = "invitation"
    __table_args__ = (UniqueConstraint("round_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", ondelete="CASCADE", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE", index=True)
    number: int = Field(ge=1)
    token_hash: str = Field(max_length=64, unique=True)
    stakeholder_group: str | None = Field(default=None, max_length=100)
    label: str = Field(default="", max_length=200)
    multi_use: bool = False
    max_uses: int | None = Field(default=None, ge=1)
    use_count: int = 0
    expires_at: datetime | None = _moment()
    revoked_at: datetime | None = _moment()
    created_at: datetime = _created()


class Response(SQLModel, table=True):
    """One respondent's answers; ``revision`` guards against lost updates."""

    __tablename__ = "response"
    # an organisation's submitted responses in a round, named by their public ids (aggregates
    # and their cache; migration 0003)
    __table_args__ = (
        Index("ix_response_aggregate", "round_id", "organisation_id", "status", "public_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(default_factory=new_public_id, max_length=32, unique=True)
    round_id: int = Field(foreign_key="round.id", ondelete="CASCADE", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE", index=True)
    invitation_id: int | None = Field(
        default=None, foreign_key="invitation.id", ondelete="SET NULL", index=True
    )
    resume_token_hash: str | None = Field(default=None, max_length=64, unique=True)
    # The personal link is derived from the public id and this counter (see
    # app.services.respondent_links): showing it again needs no plaintext, replacing it is +1.
    resume_generation: int = 0
    resume_expires_at: datetime | None = _moment()
    stakeholder_group: str | None = Field(default=None, max_length=100)
    language: str = Field(max_length=16)
    status: ResponseStatus = Field(default=ResponseStatus.DRAFT, sa_type=String(16))
    answers: dict[str, Any] = _json()
    comments: dict[str, str] = _json()
    current_step: int = 0
    revision: int = 1
    consent_version: str | None = Field(default=None, max_length=32)
    consented_at: datetime | None = _moment()
    created_at: datetime = _created()
    updated_at: datetime = _created()
    submitted_at: datetime | None = _moment()
    # Started through the JSON API (POST .../responses): only such drafts may the API change
    # or submit; a draft a respondent started on the pages is theirs (migration 0013).
    created_by_api: bool = False


class ResponseScore(SQLModel, table=True):
    """Derived scores of a submitted response, stamped with the rules that made them.

    Rows are replaced (deleted and inserted anew), never changed in place: the cache of
    organisation aggregates notices new rows (:mod:`app.services.aggregate_cache`)."""

    __tablename__ = "response_score"
    __table_args__ = (
        UniqueConstraint("response_id", "kind", "target_id"),
        Index("ix_response_score_target", "kind", "target_id"),
        # covering: an aggregate reads the scores of each response from the index alone
        Index("ix_response_score_aggregate", "response_id", "kind", "target_id", "score"),
    )

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="response.id", ondelete="CASCADE", index=True)
    kind: ScoreKind = Field(sa_type=String(16))
    target_id: str = Field(max_length=100)
    score: float | None = None
    coverage: float = 0.0
    band: str | None = Field(default=None, max_length=64)
    reason: str | None = Field(default=None, max_length=200)
    rules_version: str = Field(max_length=32)
    computed_at: datetime = _created()


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    # None: a cross-project token (an admin's), reaching every project
    project_id: int | None = Field(
        default=None, foreign_key="project.id", ondelete="CASCADE", index=True
    )
    name: str = Field(max_length=200)
    token_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=16)
    scopes: list[str] = _json(list)
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = _created()
    expires_at: datetime | None = _moment()
    last_used_at: datetime | None = _moment()
    revoked_at: datetime | None = _moment()


class ReportLink(SQLModel, table=True):
    """A secret link to one organisation's partner report of a round (read-only, no login).

    Only the token's hash is stored (:mod:`app.tokens`); the link is shown once, when made,
    and works until ``revoked_at`` (migration 0010)."""

    __tablename__ = "report_link"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", ondelete="CASCADE", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = _created()
    revoked_at: datetime | None = _moment()
    last_used_at: datetime | None = _moment()


class WebSession(SQLModel, table=True):
    """A server-side browser session (respondent or facilitator): revocable, with timeouts."""

    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    csrf_token: str = Field(max_length=64)
    user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="CASCADE", index=True
    )
    response_id: int | None = Field(
        default=None, foreign_key="response.id", ondelete="CASCADE", index=True
    )
    # Which link opened a respondent session, so that revoking the invitation or replacing the
    # personal link ends it: the invitation, or the personal link's generation.
    invitation_id: int | None = Field(
        default=None, foreign_key="invitation.id", ondelete="CASCADE", index=True
    )
    link_generation: int | None = None
    # A read-only session of a submitted anonymous response: its times keep only the day, and
    # it ends at ``expires_at`` without an idle timeout (which would need precise times).
    day_only: bool = False
    data: dict[str, Any] = _json()
    created_at: datetime = _created()
    last_seen_at: datetime = _created()
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class RateLimitHit(SQLModel, table=True):
    """Attempts per client and purpose in a time window; in the database so instances share it."""

    __tablename__ = "rate_limit_hit"
    __table_args__ = (UniqueConstraint("bucket", "window_start"),)

    id: int | None = Field(default=None, primary_key=True)
    bucket: str = Field(max_length=200)
    window_start: datetime = Field(sa_type=UTCDateTime, nullable=False)
    count: int = 0


class AuditEvent(SQLModel, table=True):
    """Who did what, when. Never answers or secrets; details are short single-line values."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _created()
    actor: str = Field(max_length=200)
    action: str = Field(max_length=64, index=True)
    object_type: str = Field(default="", max_length=64)
    object_id: str = Field(default="", max_length=64)
    project_id: int | None = Field(
        default=None, foreign_key="project.id", ondelete="SET NULL", index=True
    )
    detail: dict[str, Any] = _json()


class IdempotencyKey(SQLModel, table=True):
    """A client's ``Idempotency-Key`` for one creation or submission through the API, per
    token: a retry with the same key and body gets the first answer again, never a second
    response. The key cannot be NULL, so the unique constraint always holds.

    ``response_body`` is that first answer's JSON body as sent (NULL for keys kept before
    revision 0009, whose replays are rebuilt from the response). It is deleted with its
    response (erasure, retention)."""

    __tablename__ = "idempotency_key"
    __table_args__ = (UniqueConstraint("token_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    token_id: int = Field(foreign_key="api_token.id", ondelete="CASCADE")
    key: str = Field(max_length=200)
    request_hash: str = Field(max_length=64)
    response_id: int = Field(foreign_key="response.id", ondelete="CASCADE", index=True)
    status_code: int
    response_body: dict[str, Any] | None = Field(
        default=None, sa_column=Column(JSON, nullable=True)
    )
    created_at: datetime = _created()


class ExportJob(SQLModel, table=True):
    """A round export prepared in the background (:mod:`app.services.export_jobs`).

    Claimed by one worker with a compare-and-set on ``status`` (any app instance or
    ``radar exports work``); ``rows_done`` of ``rows_total`` responses written so far; the file
    lives under the data directory (``file_name``, relative to ``<data_dir>/exports``) until
    ``expires_at``, when the worker deletes it and the row."""

    __tablename__ = "export_job"
    __table_args__ = (Index("ix_export_job_status", "status", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", ondelete="CASCADE", index=True)
    requested_by: str = Field(max_length=200)
    format: str = Field(max_length=8)
    options: dict[str, Any] = _json()
    status: ExportJobStatus = Field(default=ExportJobStatus.QUEUED, sa_type=String(16))
    rows_done: int = 0
    rows_total: int = 0
    error: str | None = Field(default=None, max_length=500)
    file_name: str | None = Field(default=None, max_length=200)
    created_at: datetime = _created()
    updated_at: datetime = _created()
    started_at: datetime | None = _moment()
    finished_at: datetime | None = _moment()
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
