"""A demo project, so that a first ``radar serve`` shows something to try at once.

:func:`ensure_demo` runs at start-up: on an empty database (no project at all) it creates the
project "demo" with one organisation, a round of the flagship questionnaire and a multi-use
invitation, and returns its token. The token exists in plaintext only at that moment, so the
link is printed on the first run only; later runs print :func:`invite_hint` instead.
:func:`populate` (``radar demo``) fills the same project with synthetic partners whose answers
differ by organisation, so the comparison views have something to compare.
"""

from __future__ import annotations

import random
import secrets
import shlex
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import Session, select

from app.db_types import utcnow
from app.errors import NOT_PUBLISHED, InvalidInput, NotFound
from app.i18n import N_, Message
from app.models import (
    Organisation,
    Project,
    QuestionnaireVersion,
    Response,
    ResponseStatus,
    Round,
    VersionStatus,
)
from app.services import (
    accounts,
    invitations,
    members,
    projects,
    questionnaires,
    rounds,
    scores,
    synthetic,
)
from app.settings import Settings

NEGATIVE_COUNTS = N_("the numbers of organisations and respondents cannot be negative")

DEMO_PROJECT = "demo"
DEMO_PROJECT_NAME = "Demo network"
DEMO_ROUND = "Demo round"
DEMO_ORGANISATION = "Demo region"
DEMO_FACILITATOR = "demo@example.org"
FLAGSHIP = "intercultural-integration"
PRIVACY_NOTICES = {
    "en": "This is a demonstration. Please do not enter personal data. Your answers are kept "
    "in this installation's database so that the demo charts can show them; whoever runs this "
    "installation can read and delete them. Nothing is sent anywhere else.",
    "de": "Dies ist eine Demonstration. Bitte geben Sie keine personenbezogenen Daten ein. Ihre "
    "Antworten werden in der Datenbank dieser Installation gespeichert, damit die Demo-Grafiken "
    "sie zeigen können; wer diese Installation betreibt, kann sie lesen und löschen. Nichts "
    "wird anderswohin gesendet.",
}
"""The demo round's notice in each language of the flagship questionnaire."""


@dataclass(frozen=True)
class DemoInfo:
    project: str
    round: str
    organisation: str
    token: str
    """The demo invitation's token (its link is built by the caller, :mod:`app.links`)."""
    login: tuple[str, str] | None = None
    """The demo facilitator's address and password, made just now (None: an account with that
    address existed already); shown once, like the token."""


def ensure_demo(session: Session, settings: Settings) -> DemoInfo | None:
    """Create the demo on an empty database and return its invitation token; else ``None``.

    Two instances starting at once against one PostgreSQL database may both see it empty:
    the loser gets :class:`~app.errors.Conflict` (from the check or from its unit of work's
    unique-key violation), its unit of work rolls back, and it creates nothing.
    """
    if not settings.demo_on_first_run or session.exec(select(Project.id)).first() is not None:
        return None
    version = latest_published(session, FLAGSHIP)
    if version is None:
        return None
    _project, round_, organisation = demo_setup(session, version)
    _invitation, token = invitations.create_invitation(
        session, round_, organisation, multi_use=True, label="demo link"
    )
    return DemoInfo(DEMO_PROJECT, DEMO_ROUND, DEMO_ORGANISATION, token, demo_login(session))


def demo_login(session: Session) -> tuple[str, str] | None:
    """A facilitator of the demo project with a random password, unless the address is taken."""
    if accounts.find_user(session, DEMO_FACILITATOR) is not None:
        return None
    password = secrets.token_urlsafe(15)
    user = accounts.create_user(
        session, DEMO_FACILITATOR, password, display_name="Demo facilitator"
    )
    members.add_member(session, projects.get_project_by_slug(session, DEMO_PROJECT), user)
    return DEMO_FACILITATOR, password


def demo_exists(session: Session) -> bool:
    return projects.find_project(session, DEMO_PROJECT) is not None


def invite_hint() -> str:
    """The command that makes a new demo link (the first one cannot be shown again)."""
    names = " ".join(shlex.quote(name) for name in (DEMO_PROJECT, DEMO_ROUND, DEMO_ORGANISATION))
    return f"radar invite {names} --multi-use"


def latest_published(session: Session, slug: str) -> QuestionnaireVersion | None:
    """The published version of ``slug`` with the highest version number, if any."""
    try:
        versions = questionnaires.get_versions(session, slug)
    except NotFound:
        return None
    published = [v for v in versions if v.status == VersionStatus.PUBLISHED]
    return max(published, key=lambda v: tuple(int(p) for p in v.version.split(".")), default=None)


def demo_setup(
    session: Session, version: QuestionnaireVersion | None = None
) -> tuple[Project, Round, Organisation]:
    """Get or create the demo project, its round and its own organisation.

    Get-or-create rather than create, so ``radar demo`` also works on a database whose demo
    was made on first run (a demo is never half-made: it is created in one unit of work).
    """
    project = projects.find_project(session, DEMO_PROJECT) or projects.create_project(
        session, DEMO_PROJECT, DEMO_PROJECT_NAME
    )
    round_ = rounds.find_round(session, project, DEMO_ROUND)
    if round_ is None:
        version = version or latest_published(session, FLAGSHIP)
        if version is None:
            raise NotFound(Message(NOT_PUBLISHED, slug=FLAGSHIP))
        round_ = rounds.create_round(
            session, project, FLAGSHIP, version.version, DEMO_ROUND, privacy_notices=PRIVACY_NOTICES
        )
    organisation = projects.find_organisation(
        session, project, DEMO_ORGANISATION
    ) or projects.add_organisation(session, project, DEMO_ORGANISATION)
    return project, round_, organisation


PARTNERS: tuple[tuple[str, str, str], ...] = (
    ("Saxony", "DE", "region"),
    ("Tuscany", "IT", "region"),
    ("Catalonia", "ES", "region"),
    ("Lower Silesia", "PL", "region"),
    ("Cluj County", "RO", "region"),
    ("Flanders", "BE", "region"),
    ("Styria", "AT", "region"),
    ("North Brabant", "NL", "region"),
    ("Västra Götaland", "SE", "region"),
    ("Attica", "GR", "region"),
    ("Norte", "PT", "region"),
    ("Southern Denmark", "DK", "region"),
    ("Uusimaa", "FI", "region"),
    ("South Moravia", "CZ", "region"),
    ("Brittany", "FR", "region"),
    ("Emilia-Romagna", "IT", "region"),
    ("Andalusia", "ES", "region"),
    ("Lesser Poland", "PL", "region"),
    ("Timiș County", "RO", "region"),
    ("Kaunas County", "LT", "region"),
    ("Zagreb County", "HR", "region"),
    ("Pest County", "HU", "region"),
    ("Košice Region", "SK", "region"),
    ("Tartu County", "EE", "region"),
    ("City of Leipzig", "DE", "municipality"),
    ("Bologna", "IT", "municipality"),
    ("Gothenburg", "SE", "municipality"),
    ("Ghent", "BE", "municipality"),
    ("Wrocław", "PL", "municipality"),
    ("Ljubljana", "SI", "municipality"),
)


@dataclass(frozen=True)
class Populated:
    organisations: list[str]
    responses: int


def populate(
    session: Session, *, organisations: int, respondents: int, seed: int | None = None
) -> Populated:
    """Add synthetic partners with submitted, scored responses to the demo round.

    All of it lands in the caller's one unit of work, or nothing does. With the same ``seed``
    on the same database the same names and answers come out.
    """
    if organisations < 0 or respondents < 0:
        raise InvalidInput(Message(NEGATIVE_COUNTS))
    rng = random.Random(seed)  # noqa: S311  (reproducible demo data, not secrets)
    project, round_, _own = demo_setup(session)
    definition = questionnaires.definition_of(rounds.version_of(session, round_))
    added: list[str] = []
    for name, country, kind in _new_partners(session, project, organisations, rng):
        organisation = projects.add_organisation(session, project, name, country, kind)
        profile = synthetic.organisation_profile(definition, rng)
        for number in range(respondents):
            group = synthetic.STAKEHOLDER_GROUPS[number % len(synthetic.STAKEHOLDER_GROUPS)]
            answers = synthetic.answers_for(
                definition, synthetic.respondent_profile(profile, group, rng), rng
            )
            language = rng.choice(definition.languages)
            response = _submitted(round_, organisation, group, language, answers, rng)
            session.add(response)
            session.flush()
            scores.store_scores(session, response, definition)
        added.append(name)
    return Populated(added, len(added) * respondents)


def _new_partners(
    session: Session, project: Project, count: int, rng: random.Random
) -> list[tuple[str, str, str]]:
    taken = {o.name for o in projects.list_organisations(session, project)}
    fresh = [p for p in rng.sample(PARTNERS, len(PARTNERS)) if p[0] not in taken]
    number = 1
    while len(fresh) < count:
        name = f"Partner region {number}"
        if name not in taken:
            fresh.append((name, "", "region"))
        number += 1
    return fresh[:count]


def _submitted(
    round_: Round,
    organisation: Organisation,
    group: str,
    language: str,
    answers: dict[str, Any],
    rng: random.Random,
) -> Response:
    submitted = utcnow() - timedelta(days=rng.uniform(0.5, 28))
    started = submitted - timedelta(minutes=rng.uniform(15, 90))
    assert round_.id is not None
    assert organisation.id is not None
    return Response(
        round_id=round_.id,
        organisation_id=organisation.id,
        stakeholder_group=group,
        language=language,
        status=ResponseStatus.SUBMITTED,
        answers=answers,
        consent_version=round_.notice_version,
        consented_at=started,
        created_at=started,
        updated_at=submitted,
        submitted_at=submitted,
    )
