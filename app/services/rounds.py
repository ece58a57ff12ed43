"""Assessment rounds: one project, one published questionnaire version, one time window.

A round is pinned to a questionnaire version when it is created, so every response in it is
scored by the same definition. Retired and draft versions cannot start new rounds. Whether a
round accepts answers is derived from its window and ``closed_at`` (see :func:`round_state`),
never stored twice, so a window that passes needs no job to close the round.

A round also carries what respondents read and how results are grouped: its data-protection
notice per language of the questionnaire version (``privacy_notices``), its stakeholder groups
with a label per language (``stakeholder_groups``) and its minimum group size (None: the
project's). Everything can be edited while nobody has answered (no response row exists);
afterwards only the window changes: extend, close, reopen with a reason (audited).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from app import limits, stakeholder_groups
from app.db_types import utcnow
from app.errors import NO_ROUND_ID, Conflict, InvalidInput, NotFound
from app.i18n import N_, Message
from app.models import (
    Invitation,
    Project,
    QuestionnaireVersion,
    Response,
    ResponseStatus,
    Round,
    VersionStatus,
)
from app.services import audit, definition_cache, questionnaires
from scoring import Definition, shorten

NOTICE_LENGTH = 20_000
"""The longest data-protection notice, per language (characters)."""
LABEL_LENGTH = 200
GROUP_KEY_LENGTH = 100  # the stakeholder_group columns of invitation and response
"""The longest stakeholder-group label, per language (as an invitation's label)."""
REASON_LENGTH = 200
"""The longest reason for reopening a round (one line; the audit log keeps it whole)."""
MAX_GROUPS = 50
"""The most stakeholder groups a round may have."""

# What pages show, translated there (app/translations); the API and CLI read the English.
ROUND_NAME, NOTICE_VERSION = N_("round name"), N_("notice version")
MIN_GROUP_SIZE, REASON = N_("minimum group size"), N_("reason")
OPENING_TIME, CLOSING_TIME = N_("opening time"), N_("closing time")
GROUP_KEY = N_("stakeholder group key")
CHANGED_MESSAGE = N_(
    "Someone else changed this round since this page was loaded, so nothing from this page "
    "was saved. The round's current settings are shown; what you typed is kept in the form."
)
HAS_RESPONSES = N_(
    "round %(round)s has %(count)s response(s): its settings can no longer change (only its "
    "closing day)"
)
NAME_TAKEN = N_("project %(project)s already has a round %(round)s")
ANONYMITY_FIXED = N_(
    "round %(round)s has %(count)s response(s): whether it is anonymous can no longer change"
)
NOTICE_TWICE = N_("privacy notice: the notice in %(language)s is given twice")
TOO_MANY_GROUPS = N_("stakeholder groups: %(count)s given, at most %(limit)s allowed")
GROUP_KEY_SHAPE = N_(
    "stakeholder group key %(key)s: use lower-case letters, digits and hyphens, such as "
    "civil-society"
)
GROUP_TWICE = N_("stakeholder group %(key)s is given twice")
GROUP_LABEL = N_("stakeholder group %(key)s label (%(language)s)")
NOT_A_LANGUAGE = N_(
    "%(what)s: %(language)s is not a language of this questionnaire (%(languages)s)"
)
CLOSES_BEFORE_OPENING = N_("a round must close after it opens")
VERSION_RETIRED = N_("questionnaire %(slug)s %(version)s is retired: no new rounds")
VERSION_UNPUBLISHED = N_("questionnaire %(slug)s %(version)s is not published: no rounds yet")
IS_CLOSED = N_("round %(round)s is closed: reopen it, with a reason, to accept answers again")
NOT_LATER = N_("the new closing day must be later than the current one")
NOT_CLOSED = N_("round %(round)s is not closed")
CLOSING_PASSED = N_("the closing day has passed: give a new one to reopen the round")
NOT_FUTURE = N_("the closing day must lie in the future")
NOT_A_GROUP_OF_ROUND = N_(
    "stakeholder group %(key)s is not one of the round's groups (%(allowed)s)"
)
GROUP_SHAPE = N_(
    "stakeholder group %(key)s: use lower-case letters, digits and hyphens, such as civil-society"
)
NO_ROUND = N_("project %(project)s has no round %(round)s")


class RoundChanged(Conflict):
    """A round form posted a revision that is no longer the stored one (another tab or person
    changed the round meanwhile): nothing was written; ``current_revision`` is the stored one."""

    type_slug = "round-changed"

    def __init__(self, current: int) -> None:
        super().__init__(CHANGED_MESSAGE, current_revision=current)
        self.current = current


@dataclass(frozen=True)
class StakeholderGroup:
    """A group of a round: its key (a slug such as ``civil-society``, which invitations and
    exports carry) and its label per language (``{"de": "Zivilgesellschaft"}``; a missing
    language falls back to :func:`app.stakeholder_groups.label`)."""

    key: str
    labels: Mapping[str, str] = field(default_factory=dict)

    def stored(self) -> dict[str, object]:
        return {"key": self.key, "labels": dict(self.labels)}


@dataclass(frozen=True)
class RoundSettings:
    """Everything a facilitator sets on a round, checked by :func:`create_round` and
    :func:`update_round`. Moments are aware datetimes (None: no limit); ``privacy_notices``
    maps a language of the questionnaire version to its notice (blank ones are left out);
    ``min_group_size`` None means the project's."""

    name: str
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    anonymous: bool = False
    min_group_size: int | None = None
    privacy_notices: Mapping[str, str] = field(default_factory=dict)
    stakeholder_groups: Sequence[StakeholderGroup] = ()
    notice_version: str = "1"


class RoundState(StrEnum):
    NOT_YET_OPEN = "not_yet_open"
    OPEN = "open"
    CLOSED = "closed"


def create_round(
    session: Session,
    project: Project,
    slug_of_questionnaire: str,
    version: str,
    name: str,
    *,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    anonymous: bool = False,
    privacy_notice: str = "",
    privacy_notices: Mapping[str, str] | None = None,
    notice_version: str = "1",
    min_group_size: int | None = None,
    stakeholder_groups: Sequence[StakeholderGroup] = (),
    actor: str = audit.OPERATOR,
) -> Round:
    """Create a round of ``slug_of_questionnaire`` ``version`` (published) in ``project``.

    ``privacy_notice`` is the notice in the version's default language, ``privacy_notices``
    the notices by language (one language given both ways is refused). Raises
    :class:`NotFound` (no such questionnaire or version), :class:`Conflict` (a retired or
    unpublished version, a round of that name exists) or :class:`InvalidInput` (see
    :func:`check_settings`). Flushes, no commit.
    """
    row = chosen_version(session, slug_of_questionnaire, version)
    notices = dict(privacy_notices or {})
    if privacy_notice.strip():
        default = questionnaires.definition_of(row).default_language
        if notices.get(default, "").strip():
            raise InvalidInput(Message(NOTICE_TWICE, language=repr(default)), field="notice")
        notices[default] = privacy_notice
    settings = RoundSettings(
        name=name,
        opens_at=opens_at,
        closes_at=closes_at,
        anonymous=anonymous,
        min_group_size=min_group_size,
        privacy_notices=notices,
        stakeholder_groups=stakeholder_groups,
        notice_version=notice_version,
    )
    assert project.id is not None
    assert row.id is not None
    round_ = Round(project_id=project.id, questionnaire_version_id=row.id, name=name)
    _apply(session, project, round_, row, settings)
    session.add(round_)
    session.flush()
    audit.record(
        session,
        "round.create",
        actor=actor,
        object_type="round",
        object_id=round_.id,
        project_id=project.id,
        name=name,
        questionnaire=f"{slug_of_questionnaire} {version}",
    )
    return round_


def update_round(
    session: Session,
    project: Project,
    round_: Round,
    slug_of_questionnaire: str,
    version: str,
    settings: RoundSettings,
    *,
    seen: int | None = None,
    actor: str = audit.OPERATOR,
) -> Round:
    """Change every setting of a round, its questionnaire version included, while nobody has
    answered it: once a response row exists (a draft counts) :class:`Conflict`. A round may
    keep a version retired since it was created, but not move to one. ``seen`` is the
    revision the caller showed (None: no check, as in a CLI command that reads and writes at
    once); another one is :class:`RoundChanged`. Other errors as for :func:`create_round`.
    Flushes, no commit."""
    _count_change(session, round_, seen)
    answered = response_count(session, round_)
    if answered:
        raise Conflict(
            Message(HAS_RESPONSES, round=repr(round_.name), count=answered), round=round_.name
        )
    row = chosen_version(session, slug_of_questionnaire, version, round_)
    assert row.id is not None
    round_.questionnaire_version_id = row.id
    _apply(session, project, round_, row, settings)
    session.add(round_)
    session.flush()
    audit.record(
        session,
        "round.update",
        actor=actor,
        object_type="round",
        object_id=round_.id,
        project_id=project.id,
        name=round_.name,
        questionnaire=f"{slug_of_questionnaire} {version}",
    )
    return round_


def _version_row(session: Session, slug: str, version: str) -> QuestionnaireVersion:
    questionnaires.get_versions(session, slug)  # "no questionnaire 'x'"
    return questionnaires.get_version(session, slug, version)


def chosen_version(
    session: Session, slug: str, version: str, round_: Round | None = None
) -> QuestionnaireVersion:
    """The version ``slug`` ``version`` that a new round (``round_`` None) or ``round_`` is
    set to: :class:`NotFound` if there is none, :class:`Conflict` if it is retired or not
    published. A round may keep a version retired since it was created, not move to one.
    Shared by :func:`create_round`, :func:`update_round` and the round form, which reports
    it beside the questionnaire field together with the form's other problems."""
    row = _version_row(session, slug, version)
    if round_ is None or row.id != round_.questionnaire_version_id:
        _check_usable(row, slug)
    return row


def _apply(
    session: Session,
    project: Project,
    round_: Round,
    row: QuestionnaireVersion,
    settings: RoundSettings,
) -> None:
    """Check ``settings`` against the version and write them into ``round_``."""
    definition = questionnaires.definition_of(row)
    notices, groups = check_settings(settings, definition)
    found = find_round(session, project, settings.name)
    if found is not None and found is not round_:
        raise Conflict(
            Message(NAME_TAKEN, project=repr(project.slug), round=repr(settings.name)),
            project=project.slug,
            round=settings.name,
        )
    if settings.closes_at is not None and settings.closes_at != round_.closes_at:
        check_future(settings.closes_at)  # else a new round would start closed, unnoticed
    round_.name = settings.name
    round_.opens_at = settings.opens_at
    round_.closes_at = settings.closes_at
    round_.anonymous = settings.anonymous
    round_.min_group_size = settings.min_group_size
    round_.privacy_notices = notices
    round_.stakeholder_groups = [group.stored() for group in groups]
    round_.notice_version = settings.notice_version


def check_settings(
    settings: RoundSettings, definition: Definition
) -> tuple[dict[str, str], list[StakeholderGroup]]:
    """The notices and groups of ``settings`` as stored (line breaks as ``"\n"``, blank texts
    left out), or :class:`InvalidInput` naming the first problem: a blank or over-long name,
    a closing time not after the opening time, a minimum group size below 1, a notice or label
    in a language the questionnaire version does not have, over-long texts or control
    characters (line breaks only in notices), a group key that is not a slug or comes twice,
    more than :data:`MAX_GROUPS` groups."""
    limits.name(settings.name, ROUND_NAME, column=Round.name)
    check_notice_version(settings.notice_version)
    limits.moment(settings.opens_at, OPENING_TIME)
    limits.moment(settings.closes_at, CLOSING_TIME)
    check_window(settings.opens_at, settings.closes_at)
    if settings.min_group_size is not None:
        limits.integer(settings.min_group_size, MIN_GROUP_SIZE, low=1)
    notices: dict[str, str] = {}
    for language, text in settings.privacy_notices.items():
        _check_language(language, definition, N_("privacy notice"))
        check_notice(language, text)
        if text.strip():
            notices[language] = text.replace("\r\n", "\n").replace("\r", "\n")
    check_group_keys(settings.stakeholder_groups)
    groups = [_checked_group(group, definition) for group in settings.stakeholder_groups]
    return notices, groups


_VERSION_LABEL = re.compile(r"[0-9A-Za-z][0-9A-Za-z._ -]*")
_PLAIN_VERSION = re.compile(r"[0-9]+(\.[0-9]+)*")
NOT_A_VERSION_LABEL = N_(
    "%(value)s is not a version label: use letters, digits, dots, hyphens and spaces, such as "
    "1, 2.1 or 2027-03, and no number such as NaN or 1e3"
)


def check_notice_version(text: str) -> str:
    """The privacy notice's version as the consent records it: a short label (the column's
    length) of ASCII letters, digits, dots, hyphens, underscores and spaces, starting with a
    letter or digit. A label a program reads as another number ("NaN", "inf", "1e3", which a
    spreadsheet shows as 1000) is refused: only plain "1" or "2.1" may look like a number.
    :class:`InvalidInput` (field ``notice_version``) otherwise."""
    limits.text(text, NOTICE_VERSION, column=Round.notice_version, required=True)
    number_like = True
    try:
        float(text)
    except ValueError:
        number_like = False
    if not _VERSION_LABEL.fullmatch(text) or (number_like and not _PLAIN_VERSION.fullmatch(text)):
        raise InvalidInput(
            Message(
                limits.FIELD_PROBLEM,
                field=Message(NOTICE_VERSION),
                problem=Message(NOT_A_VERSION_LABEL, value=shorten(text)),
            ),
            field="notice_version",
        )
    return text


def check_group_keys(groups: Sequence[StakeholderGroup]) -> None:
    """:class:`InvalidInput` (field ``groups``) naming the first problem of the groups' keys:
    more than :data:`MAX_GROUPS` groups, a key that is blank, too long for the column, not a
    slug such as ``civil-society``, or given twice. Needs no questionnaire version, so the
    round form checks it together with its other fields."""
    if len(groups) > MAX_GROUPS:
        raise InvalidInput(
            Message(TOO_MANY_GROUPS, count=len(groups), limit=MAX_GROUPS), field="groups"
        )
    taken: set[str] = set()
    for group in groups:
        key = limits.text(group.key, GROUP_KEY, column=Invitation.stakeholder_group, required=True)
        if not stakeholder_groups.NEW_KEY.fullmatch(key):
            raise InvalidInput(Message(GROUP_KEY_SHAPE, key=shorten(key)), field="groups")
        if key in taken:
            raise InvalidInput(Message(GROUP_TWICE, key=repr(key)), field="groups")
        taken.add(key)


def check_notice(language: str, text: str) -> None:
    """:class:`InvalidInput` for a notice text no round can store (too long, control
    characters other than line breaks). Needs no questionnaire version: the round form
    checks it together with its other fields."""
    limits.text(text, f"privacy notice ({language})", length=NOTICE_LENGTH, multiline=True)


def check_group_labels(group: StakeholderGroup) -> None:
    """:class:`InvalidInput` (field ``groups``) for the first label of ``group`` that is too
    long or holds control characters. Needs no questionnaire version (shared with the round
    form, as :func:`check_group_keys` is)."""
    for language, label in group.labels.items():
        problem = limits.text_error(label, length=LABEL_LENGTH) or limits.name_error(label)
        if problem is not None:
            raise InvalidInput(
                Message(
                    limits.FIELD_PROBLEM,
                    field=Message(GROUP_LABEL, key=repr(group.key), language=language),
                    problem=problem,
                ),
                field="groups",
            )


def _checked_group(group: StakeholderGroup, definition: Definition) -> StakeholderGroup:
    """``group`` with its labels as stored (a key checked by :func:`check_group_keys`)."""
    for language in group.labels:
        _check_language(
            language, definition, Message(N_("stakeholder group %(key)s"), key=repr(group.key))
        )
    check_group_labels(group)
    labels = {language: label.strip() for language, label in group.labels.items() if label.strip()}
    return StakeholderGroup(group.key, labels)


def _check_language(language: str, definition: Definition, what: str | Message) -> None:
    if language not in definition.languages:
        raise InvalidInput(
            Message(
                NOT_A_LANGUAGE,
                what=Message(what) if isinstance(what, str) else what,
                language=shorten(language),
                languages=", ".join(definition.languages),
            ),
            field="language",
        )


def check_window(opens_at: datetime | None, closes_at: datetime | None) -> None:
    """:class:`InvalidInput` unless a round closes after it opens (either may be None)."""
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        raise InvalidInput(Message(CLOSES_BEFORE_OPENING), field="closes")


def _check_usable(row: QuestionnaireVersion, slug: str) -> None:
    if row.status == VersionStatus.RETIRED:
        raise Conflict(
            Message(VERSION_RETIRED, slug=slug, version=row.version),
            slug=slug,
            version=row.version,
        )
    if row.status != VersionStatus.PUBLISHED:
        raise Conflict(
            Message(VERSION_UNPUBLISHED, slug=slug, version=row.version),
            slug=slug,
            version=row.version,
        )


def _count_change(session: Session, round_: Round, seen: int | None) -> None:
    """Count one change of ``round_``'s settings, if it is still at revision ``seen`` (None:
    the one loaded): a compare-and-set (``UPDATE ... WHERE revision = :seen``), as drafts do
    (:mod:`app.services.responses`), so a change committed meanwhile by another request, even
    one running at the same moment on PostgreSQL, is :class:`RoundChanged`, never overwritten.
    Flushes."""
    expected = round_.revision if seen is None else seen
    if expected != round_.revision:
        raise RoundChanged(round_.revision)
    result = session.exec(
        update(Round)
        .where(col(Round.id) == round_.id, col(Round.revision) == expected)
        .values(revision=expected + 1)
    )
    if result.rowcount != 1:
        current = session.exec(select(Round.revision).where(col(Round.id) == round_.id)).first()
        raise RoundChanged(current if current is not None else expected)
    set_committed_value(round_, "revision", expected + 1)


def round_state(round_: Round, now: datetime | None = None) -> RoundState:
    """Closed once closed by hand or past ``closes_at``; not yet open before ``opens_at``."""
    now = now or utcnow()
    if round_.closed_at is not None or (round_.closes_at is not None and now >= round_.closes_at):
        return RoundState.CLOSED
    if round_.opens_at is not None and now < round_.opens_at:
        return RoundState.NOT_YET_OPEN
    return RoundState.OPEN


def close_round(
    session: Session, round_: Round, *, seen: int | None = None, actor: str = audit.OPERATOR
) -> Round:
    """Close a round now (idempotent: closing a closed round keeps the first time).
    ``seen``: the revision the caller showed, as for :func:`update_round`."""
    if round_.closed_at is None:
        _count_change(session, round_, seen)
        round_.closed_at = utcnow()
        session.add(round_)
        audit.record(
            session,
            "round.close",
            actor=actor,
            object_type="round",
            object_id=round_.id,
            project_id=round_.project_id,
        )
    return round_


def extend_round(
    session: Session,
    round_: Round,
    closes_at: datetime,
    *,
    seen: int | None = None,
    actor: str = audit.OPERATOR,
) -> Round:
    """Move the closing time of a round that has not closed yet to the later ``closes_at``.

    Raises :class:`RoundChanged` when ``seen`` (as for :func:`update_round`) is stale,
    :class:`Conflict` for a closed round (it is reopened, with a reason, instead) and
    :class:`InvalidInput` for a time not after the current closing time, the opening time and
    now. Allowed with responses. Flushes, no commit.
    """
    _count_change(session, round_, seen)
    if round_state(round_) is RoundState.CLOSED:
        raise Conflict(Message(IS_CLOSED, round=repr(round_.name)), round=round_.name)
    limits.moment(closes_at, CLOSING_TIME)
    if round_.closes_at is not None and closes_at <= round_.closes_at:
        raise InvalidInput(Message(NOT_LATER), field="closes")
    check_future(closes_at)
    check_window(round_.opens_at, closes_at)
    previous = round_.closes_at
    round_.closes_at = closes_at
    session.add(round_)
    session.flush()
    audit.record(
        session,
        "round.extend",
        actor=actor,
        object_type="round",
        object_id=round_.id,
        project_id=round_.project_id,
        closes_at=closes_at.isoformat(),
        previous=previous.isoformat() if previous else "",
    )
    return round_


def reopen_round(
    session: Session,
    round_: Round,
    reason: str,
    *,
    closes_at: datetime | None = None,
    seen: int | None = None,
    actor: str = audit.OPERATOR,
) -> Round:
    """Accept answers again in a closed round; the reason (required, one line) goes into the
    audit log. A round whose closing time has passed needs a new, future ``closes_at``.

    Raises :class:`RoundChanged` when ``seen`` (as for :func:`update_round`) is stale,
    :class:`Conflict` when the round is not closed, :class:`InvalidInput` for a blank,
    over-long or multi-line reason or a closing time in the past or before the opening time.
    Flushes, no commit.
    """
    _count_change(session, round_, seen)
    if round_state(round_) is not RoundState.CLOSED:
        raise Conflict(Message(NOT_CLOSED, round=repr(round_.name)), round=round_.name)
    check_reason(reason)
    new_closing = reopened_closing(round_, closes_at)
    round_.closed_at = None
    round_.closes_at = new_closing
    session.add(round_)
    session.flush()
    audit.record(
        session,
        "round.reopen",
        actor=actor,
        object_type="round",
        object_id=round_.id,
        project_id=round_.project_id,
        reason=reason.strip(),
        closes_at=new_closing.isoformat() if new_closing else "",
    )
    return round_


def check_reason(reason: str) -> None:
    """A reopening's reason: required, one line of at most :data:`REASON_LENGTH` characters
    (:class:`InvalidInput` naming the field "reason")."""
    limits.text(reason, REASON, length=REASON_LENGTH, required=True)


def reopened_closing(round_: Round, closes_at: datetime | None) -> datetime | None:
    """The closing time of ``round_`` reopened with ``closes_at`` (None: keep its own), or
    :class:`InvalidInput` (field "closes") when that time has passed or precedes the opening.
    """
    limits.moment(closes_at, CLOSING_TIME)
    new_closing = closes_at if closes_at is not None else round_.closes_at
    if new_closing is not None:
        if closes_at is None and new_closing <= utcnow():
            raise InvalidInput(Message(CLOSING_PASSED), field="closes")
        check_future(new_closing)
        check_window(round_.opens_at, new_closing)
    return new_closing


def check_future(closes_at: datetime) -> None:
    """:class:`InvalidInput` (field ``closes``) for a closing time that has passed (a round
    would start closed, unnoticed). Shared with the round form."""
    if closes_at <= utcnow():
        raise InvalidInput(Message(NOT_FUTURE), field="closes")


def response_count(session: Session, round_: Round) -> int:
    """How many responses (drafts included) a round has."""
    return session.exec(
        select(func.count()).select_from(Response).where(col(Response.round_id) == round_.id)
    ).one()


def submitted_counts(session: Session, project: Project) -> dict[int, int]:
    """The number of submitted responses per round id of ``project`` (rounds without any are
    missing); one query."""
    rows = session.exec(
        select(Response.round_id, func.count())
        .join(Round, col(Round.id) == col(Response.round_id))
        .where(
            col(Round.project_id) == project.id,
            col(Response.status) == ResponseStatus.SUBMITTED.value,
        )
        .group_by(col(Response.round_id))
    ).all()
    return dict(rows)


def min_group_size_of(round_: Round, project: Project) -> int:
    """The smallest group an aggregate of ``round_`` shows: its own, else the project's."""
    return round_.min_group_size if round_.min_group_size is not None else project.min_group_size


def groups_of(round_: Round) -> list[StakeholderGroup]:
    """The round's stakeholder groups as stored, in their order."""
    return [
        StakeholderGroup(str(item["key"]), dict(item.get("labels") or {}))
        for item in round_.stakeholder_groups
    ]


@dataclass(frozen=True)
class Notice:
    """A round's notice as a page shows it: the text ("" when the round has none), its
    language, and whether that is a fallback rather than the language asked for."""

    text: str
    language: str
    fallback: bool


GROUP_FIELD = "stakeholder_group"
"""The field a refused group is reported under: the name API bodies, CLI options and the
stored column give it."""


def checked_group(round_: Round, key: str | None) -> str | None:
    """The stakeholder group ``key`` an invitation or a response names (None for none): one of
    the round's own groups where it has any, else a key like ``civil-society``; else
    :class:`InvalidInput`. Pages, API and CLI all ask here, so a group that filters, exports
    and aggregates would show is always one of these."""
    if not key:
        return None
    try:
        limits.text(key, N_("stakeholder group"), length=GROUP_KEY_LENGTH)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field=GROUP_FIELD) from None
    keys = [group.key for group in groups_of(round_)]
    if keys and key not in keys:
        raise InvalidInput(
            Message(NOT_A_GROUP_OF_ROUND, key=shorten(key), allowed=", ".join(keys)),
            field=GROUP_FIELD,
            allowed=keys,
        )
    if not keys and not stakeholder_groups.NEW_KEY.fullmatch(key):
        raise InvalidInput(Message(GROUP_SHAPE, key=shorten(key)), field=GROUP_FIELD)
    return key


def notice_for(round_: Round, language: str, default_language: str) -> Notice:
    """The notice in ``language``, else in the version's ``default_language`` (marked as a
    fallback), else ""."""
    notices = round_.privacy_notices or {}
    if notices.get(language):
        return Notice(notices[language], language, False)
    if notices.get(default_language):
        return Notice(notices[default_language], default_language, True)
    return Notice("", language, False)


def group_label(
    round_: Round,
    key: str | None,
    language: str,
    default_language: str,
    gettext: Callable[[str], str],
) -> str:
    """The label of group ``key`` for a page in ``language``: the round's label in that
    language, else the interface's (:func:`app.stakeholder_groups.label`) for a group it
    knows, else the round's label in the default language, else the key made readable."""
    if not key:
        return ""
    labels = next((g.labels for g in groups_of(round_) if g.key == key), {})
    if labels.get(language):
        return labels[language]
    if key in stakeholder_groups.LABELS or not labels.get(default_language):
        return stakeholder_groups.label(key, gettext)
    return labels[default_language]


def group_labels(
    session: Session, round_: Round, language: str, gettext: Callable[[str], str]
) -> Callable[[str | None], str]:
    """:func:`group_label` for every group of ``round_`` on a page in ``language``: what
    facilitator pages (invitations, links, progress, dashboard, reports) write for a key."""
    default = questionnaires.definition_of(version_of(session, round_)).default_language

    def label(key: str | None) -> str:
        return group_label(round_, key, language, default, gettext)

    return label


def set_anonymous(session: Session, round_: Round, anonymous: bool) -> Round:
    """Make a round anonymous or not, only while it has no responses. Flushes, no commit.

    Anonymity is a promise made to the people who answer: a round with responses cannot stop
    being anonymous (their answers would become linkable), nor start being anonymous (the
    earlier responses were stored with precise times and links). Raises :class:`Conflict`.
    """
    if round_.anonymous == anonymous:
        return round_
    _count_change(session, round_, None)
    responses = response_count(session, round_)
    if responses:
        raise Conflict(
            Message(ANONYMITY_FIXED, round=repr(round_.name), count=responses),
            round=round_.name,
        )
    round_.anonymous = anonymous
    session.add(round_)
    audit.record(
        session,
        "round.anonymity",
        object_type="round",
        object_id=round_.id,
        project_id=round_.project_id,
        anonymous=anonymous,
    )
    session.flush()
    return round_


def get_round(session: Session, project: Project, name: str) -> Round:
    round_ = find_round(session, project, name)
    if round_ is None:
        raise NotFound(
            Message(NO_ROUND, project=repr(project.slug), round=shorten(name)),
            project=project.slug,
            round=name,
        )
    return round_


def round_in(session: Session, project: Project | int, round_id: int) -> Round:
    """Round ``round_id`` of ``project`` (the row or its id); :class:`NotFound` for an id of
    another project, as for one that does not exist (the one lookup pages and API share)."""
    project_id = project if isinstance(project, int) else project.id
    round_ = session.get(Round, round_id) if limits.is_id(round_id) else None
    if round_ is None or round_.project_id != project_id:
        raise NotFound(Message(NO_ROUND_ID, id=shorten(round_id)), round_id=round_id)
    return round_


def list_rounds(session: Session, project: Project) -> list[Round]:
    return list(
        session.exec(
            select(Round).where(Round.project_id == project.id).order_by(col(Round.id))
        ).all()
    )


def version_of(session: Session, round_: Round) -> QuestionnaireVersion:
    """The questionnaire version a round is pinned to."""
    row = session.get(
        QuestionnaireVersion,
        round_.questionnaire_version_id,
        options=[definition_cache.WITHOUT_DEFINITION],  # the definition comes from the cache
    )
    assert row is not None  # a foreign key guarantees it
    return row


def find_round(session: Session, project: Project, name: str) -> Round | None:
    if not limits.findable(name, Round.name):
        return None
    return session.exec(
        select(Round).where(Round.project_id == project.id, Round.name == name)
    ).first()
