"""Responses: loading with context, saving pages (revision checks, invalid values, hidden
answers kept), submitting with stored scores, day-only times in anonymous rounds."""

from __future__ import annotations

import doctest
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import Session, select

from app import i18n, times
from app.errors import Conflict, InvalidAnswers, NotFound
from app.models import AuditEvent, Response, ResponseScore, ResponseStatus, Round
from app.services import responses, rounds
from app.services.invitations import RoundClosed
from app.services.responses import CLOSED_MESSAGE, Context, StaleRevision
from scoring import parse_definition
from tests import factories
from tests.helpers import minimal_definition

LEADERSHIP = {"leadership.mandate": 3, "leadership.has_budget": "no"}


@pytest.fixture
def network(session: Session) -> factories.Network:
    made = factories.network(session, organisation_name="Saxony")
    session.commit()
    return made


def _draft(session: Session, network: factories.Network, **fields: Any) -> Context:
    row = factories.response(session, network.round, network.organisation, **fields)
    session.commit()  # a failed save rolls back; the draft must outlive it
    assert row.id is not None
    return responses.load(session, row.id)


def test_load_gives_the_response_with_its_context(
    session: Session, network: factories.Network
) -> None:
    context = _draft(session, network)
    assert context.round.id == network.round.id
    assert context.organisation.name == "Saxony"
    assert context.project.id == network.project.id
    assert (context.definition.slug, context.definition.version) == ("mini", "1.0")
    assert context.invitation is None
    assert (context.open, context.submitted) == (True, False)
    with pytest.raises(NotFound):
        responses.load(session, 10_000)


def test_save_page_stores_valid_answers_and_names_invalid_ones(
    session: Session, network: factories.Network
) -> None:
    context = _draft(session, network, answers={"leadership.has_budget": "yes"})
    saved = responses.save_page(
        session,
        context,
        1,
        {"leadership.mandate": 3, "leadership.has_budget": "maybe", "services.training": 4},
        "  evidence  ",
        dimension_id="leadership",
        step=2,
    )
    assert saved.revision == 2
    assert list(saved.problems) == ["leadership.has_budget"]
    stored = session.get(Response, context.response.id)
    assert stored is not None
    assert stored.answers == {"leadership.mandate": 3, "leadership.has_budget": "yes"}, (
        "the invalid value keeps the previous answer; another page's item is not touched"
    )
    assert stored.comments == {"leadership": "evidence"}
    assert (stored.revision, stored.current_step) == (2, 2)


def test_none_removes_an_answer_and_none_comment_leaves_it(
    session: Session, network: factories.Network
) -> None:
    context = _draft(session, network, answers=LEADERSHIP, comments={"leadership": "kept"})
    responses.save_page(
        session, context, 1, {"leadership.mandate": None}, None, dimension_id="leadership"
    )
    assert context.response.answers == {"leadership.has_budget": "no"}
    assert context.response.comments == {"leadership": "kept"}
    responses.save_page(session, context, 2, {}, "", dimension_id="leadership")
    assert context.response.comments == {}


def test_answers_hidden_by_show_if_are_kept(session: Session, network: factories.Network) -> None:
    answers = {"leadership.has_budget": "yes", "leadership.budget_size": 2}
    context = _draft(session, network, answers=answers)
    responses.save_page(
        session, context, 1, {"leadership.has_budget": "no"}, None, dimension_id="leadership"
    )
    assert context.response.answers == {"leadership.has_budget": "no", "leadership.budget_size": 2}


def test_a_stale_revision_writes_nothing(session: Session, network: factories.Network) -> None:
    context = _draft(session, network, answers=LEADERSHIP)
    responses.save_page(
        session, context, 1, {"leadership.mandate": 1}, None, dimension_id="leadership"
    )
    with pytest.raises(StaleRevision) as caught:
        responses.save_page(
            session, context, 1, {"leadership.mandate": 4}, "x", dimension_id="leadership"
        )
    assert (caught.value.status_code, caught.value.current) == (409, 2)
    assert caught.value.extra == {"current_revision": 2}
    stored = session.get(Response, context.response.id)
    assert stored is not None
    assert (stored.answers["leadership.mandate"], stored.comments, stored.revision) == (1, {}, 2)


def test_closed_round_and_submitted_response_refuse_changes(
    session: Session, network: factories.Network
) -> None:
    submitted = _draft(session, network, answers=LEADERSHIP, submitted=True)
    with pytest.raises(Conflict, match="has been submitted"):
        responses.save_page(session, submitted, 1, {}, None, dimension_id="leadership")
    draft = _draft(session, network, answers=LEADERSHIP)
    rounds.close_round(session, network.round)
    session.commit()
    with pytest.raises(RoundClosed) as caught:
        responses.save_page(session, draft, 1, {}, None, dimension_id="leadership")
    assert caught.value.status_code == 410
    assert caught.value.detail == CLOSED_MESSAGE  # told to the one answering: answers are kept
    with pytest.raises(RoundClosed):
        responses.submit(session, draft, 1)


def test_submit_needs_every_required_answer(session: Session, network: factories.Network) -> None:
    context = _draft(session, network, answers=LEADERSHIP)
    with pytest.raises(InvalidAnswers) as caught:
        responses.submit(session, context, 1)
    assert list(caught.value.extra["problems"]) == ["services.training"]
    assert context.response.status == ResponseStatus.DRAFT


def test_submit_stores_status_scores_and_audit_once(
    session: Session, network: factories.Network
) -> None:
    context = _draft(session, network, answers=LEADERSHIP | {"services.training": 4})
    assert responses.submit(session, context, 1) is True
    stored = session.get(Response, context.response.id)
    assert stored is not None
    assert stored.status == ResponseStatus.SUBMITTED
    assert stored.submitted_at is not None
    assert stored.revision == 2
    scored = session.exec(select(ResponseScore).where(ResponseScore.response_id == stored.id)).all()
    assert {(row.kind, row.target_id) for row in scored} == {
        ("dimension", "leadership"),
        ("dimension", "services"),
        ("overall", "overall"),
    }
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "response.submit")).all()
    assert [event.object_id for event in events] == [stored.public_id]
    again = responses.load(session, stored.id or 0)
    assert responses.submit(session, again, 2) is False


def test_anonymous_rounds_keep_only_the_day(session: Session) -> None:
    made = factories.network(session, anonymous=True)
    session.commit()
    context = _draft(session, made, answers=LEADERSHIP | {"services.training": 4})
    responses.save_page(
        session, context, 1, {"leadership.mandate": 2}, None, dimension_id="leadership"
    )
    responses.submit(session, context, 2)
    stored = session.get(Response, context.response.id)
    assert stored is not None
    for moment in (stored.updated_at, stored.submitted_at):
        assert moment is not None
        assert (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0)
    assert (
        session.exec(select(AuditEvent).where(AuditEvent.action == "response.submit")).all() == []
    )


@pytest.mark.parametrize(
    ("moment", "zone", "day"),
    [
        (datetime(2026, 11, 30, 19, 45, 12, tzinfo=UTC), "Europe/Berlin", 30),  # 20:45
        (datetime(2026, 11, 30, 23, 30, tzinfo=UTC), "Europe/Berlin", 1),  # 00:30 next day
        (datetime(2026, 11, 30, 15, 0, tzinfo=UTC), "America/New_York", 30),  # 10:00
        (datetime(2026, 12, 1, 2, 0, tzinfo=UTC), "America/New_York", 30),  # 21:00 the day before
        (datetime(2026, 11, 30, 20, 0, tzinfo=UTC), "Pacific/Auckland", 1),  # 09:00 next day
        (datetime(2026, 11, 30, 10, 0, tzinfo=UTC), "Pacific/Auckland", 30),  # 23:00
    ],
)
def test_recorded_time_keeps_the_local_day(moment: datetime, zone: str, day: int) -> None:
    named = Round(name="r", anonymous=False)
    anonymous = Round(name="r", anonymous=True)
    assert responses.recorded_time(named, moment, zone) == moment
    kept = responses.recorded_time(anonymous, moment, zone)
    month = 11 if day == 30 else 12
    assert kept == datetime(2026, month, day, tzinfo=UTC)  # the date, at 00:00 UTC
    assert times.iso(kept, day_only=True) == f"2026-{month}-{day:02d}"


def test_times_examples() -> None:
    assert doctest.testmod(times).failed == 0
    assert doctest.testmod(i18n).failed == 0


def test_problems_on_a_page_and_before_submitting() -> None:
    definition = parse_definition(minimal_definition())
    answers = {"leadership.mandate": 9, "leadership.has_budget": "yes"}
    assert list(responses.page_problems(definition, answers, {"leadership.mandate"})) == [
        "leadership.mandate"
    ]
    assert responses.page_problems(definition, answers, {"services.training"}) == {}
    missing = responses.missing_required(definition, answers)
    assert {"leadership.mandate", "services.training"} <= set(missing)
