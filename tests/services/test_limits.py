"""The limits mechanism as the coming facilitator forms and API meet it: every service checks
what it stores against its column, so both databases answer the same ``InvalidInput``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from app import limits
from app.errors import InvalidInput, TooManyRequests
from app.i18n import Localizer
from app.models import AuditEvent, Organisation, Project, RateLimitHit, Round
from app.services import (
    accounts,
    api_tokens,
    invitations,
    projects,
    questionnaires,
    rate_limit,
    rounds,
)
from scoring import parse_definition
from tests import factories
from tests.helpers import minimal_definition


def test_limits_come_from_the_columns() -> None:
    assert limits.max_length(Organisation.name) == 200
    assert limits.max_length(Round.notice_version) == 32
    with pytest.raises(TypeError):
        limits.max_length(Project.min_group_size)


def test_service_inputs_are_checked_before_the_database(session: Session) -> None:
    made = factories.network(session, round_name="Baseline")
    session.commit()
    project, organisation, round_ = made.project, made.organisation, made.round
    later = datetime(2030, 1, 1, tzinfo=UTC)
    refused = {
        "round name: 201 characters, at most 200 allowed": lambda: rounds.create_round(
            session, project, "mini", "1.0", "r" * 201
        ),
        "opening time: needs a time zone (use UTC)": lambda: rounds.create_round(
            session, project, "mini", "1.0", "R", opens_at=datetime(2030, 1, 1)
        ),
        "closing time: 3000-01-02 is outside the years 2000 to 2999": lambda: rounds.create_round(
            session, project, "mini", "1.0", "R", closes_at=datetime(3000, 1, 2, tzinfo=UTC)
        ),
        "label: contains the control character U+0000 at position 1; "
        "line breaks and tabs are not allowed here": lambda: invitations.create_invitation(
            session, round_, organisation, label="\x00"
        ),
        "stakeholder group: is not valid UTF-8 text (at character 2)": (
            lambda: invitations.create_invitation(
                session, round_, organisation, stakeholder_group="a\udcff"
            )
        ),
        "expiry: 1970-01-01 is outside the years 2000 to 2999": (
            lambda: invitations.create_invitation(
                session, round_, organisation, expires_at=datetime(1970, 1, 1, tzinfo=UTC)
            )
        ),
        "use limit: 4294967296 is not allowed here; use a whole number from 1 to 2147483647": (
            lambda: invitations.create_invitation(
                session, round_, organisation, multi_use=True, max_uses=2**32
            )
        ),
        "organisation name: must not be empty": lambda: projects.add_organisation(
            session, project, "  "
        ),
    }
    for message, action in refused.items():
        with pytest.raises(InvalidInput) as caught:
            action()
        assert caught.value.detail == message
    session.rollback()
    assert [r.name for r in rounds.list_rounds(session, project)] == ["Baseline"]
    assert invitations.list_invitations(session, round_) == []
    assert rounds.create_round(session, project, "mini", "1.0", "R2", closes_at=later).id


def test_audit_values_fit_their_columns(session: Session) -> None:
    data = minimal_definition()
    data["slug"], data["version"] = "s" * 64, "1." + "2" * 18
    questionnaires.publish(session, parse_definition(data))
    session.commit()
    event = session.exec(select(AuditEvent)).one()
    assert event.object_id == f"{'s' * 64} 1.222222222222222222"[:64]


def test_a_client_address_of_any_length_is_counted(session: Session) -> None:
    limit = rate_limit.Limit(attempts=2, window=timedelta(minutes=15))
    bucket = "link:" + "1" * 500  # as a proxy header may claim
    rate_limit.record(session, bucket, limit)
    rate_limit.record(session, bucket, limit)
    assert rate_limit.count(session, bucket, limit) == 2
    stored = session.exec(select(RateLimitHit)).one()
    assert len(stored.bucket) <= limits.max_length(RateLimitHit.bucket)
    with pytest.raises(TooManyRequests):
        rate_limit.check(session, bucket, limit)


@pytest.mark.parametrize("control", ["\u202e", "\u202a", "\u2066", "\u2069", "\u200e", "\ufeff"])
def test_every_name_field_refuses_bidi_controls_and_other_format_characters(
    session: Session, control: str
) -> None:
    """One validator for every name (projects, organisations, rounds, labels, accounts,
    tokens): a right-to-left override would turn the text around it on every page."""
    made = factories.network(session, round_name="Baseline")
    session.commit()
    project, organisation, round_ = made.project, made.organisation, made.round
    bad = f"Stadt{control}gnalS"
    code = f"U+{ord(control):04X}"
    refused = {
        "project name": lambda: projects.create_project(session, "p2", bad),
        "organisation name": lambda: projects.add_organisation(session, project, bad),
        "round name": lambda: rounds.create_round(session, project, "mini", "1.0", bad),
        "label": lambda: invitations.create_invitation(session, round_, organisation, label=bad),
        "name": lambda: accounts.create_user(
            session, "bidi@example.org", "a long enough password", display_name=bad
        ),
        "token name": lambda: api_tokens.create_token(session, project, bad, ["results:read"]),
    }
    for field, action in refused.items():
        with pytest.raises(InvalidInput) as caught:
            action()
        assert caught.value.detail.startswith(
            f"{field}: contains the invisible format character {code} ("
        ), caught.value.detail
        assert "at position 6; a name cannot hold it" in caught.value.detail
        session.rollback()
    # the joiners that Persian spellings and emoji need stay allowed; mixed scripts too
    assert projects.create_project(session, "fa", "می\u200cخواهم Köln شهر").name


def test_a_name_refused_on_a_german_page_reads_in_german() -> None:
    problem = limits.name_error("a\u202eb")
    assert problem is not None
    german = Localizer.for_language("de").message(problem)
    assert german == (
        "enthält das unsichtbare Formatzeichen U+202E (RIGHT-TO-LEFT OVERRIDE) an Position 2; "
        "ein Name kann es nicht enthalten"
    )
