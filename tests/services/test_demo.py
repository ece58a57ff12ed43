"""The first-run demo and the synthetic partners of ``radar demo``."""

from __future__ import annotations

import random
from collections import Counter
from statistics import mean

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.definition_files import read_definition
from app.errors import Conflict, InvalidInput
from app.models import (
    Invitation,
    Organisation,
    Project,
    Response,
    ResponseScore,
    ResponseStatus,
    ScoreKind,
)
from app.services import demo, invitations, projects, questionnaires, scores, synthetic
from app.settings import PROJECT_ROOT, Settings
from app.startup import prepare
from scoring import NOT_APPLICABLE, Definition, parse_condition, parse_definition, validate_answers
from tests import factories
from tests.helpers import minimal_definition

FLAGSHIP_FILE = max(  # the newest shipped version: the one the demo uses
    (PROJECT_ROOT / "questionnaires" / demo.FLAGSHIP).glob("*.yaml"),
    key=lambda path: tuple(int(part) for part in path.stem.split(".")),
)


@pytest.fixture(scope="module")
def flagship() -> Definition:
    return read_definition(FLAGSHIP_FILE)


def test_first_run_creates_a_demo_with_a_working_token(
    session: Session, settings: Settings, loaded: list[questionnaires.Published]
) -> None:
    info = demo.ensure_demo(session, settings)
    assert info is not None
    resolved = invitations.resolve_invitation(session, info.token)
    assert resolved.project.name == demo.DEMO_PROJECT_NAME
    assert resolved.round.name == demo.DEMO_ROUND
    assert resolved.organisation.name == demo.DEMO_ORGANISATION
    assert resolved.version.version == FLAGSHIP_FILE.stem  # the newest version
    assert resolved.invitation.multi_use
    assert "personal data" in resolved.round.privacy_notices["en"]
    assert "personenbezogenen Daten" in resolved.round.privacy_notices["de"]
    assert demo.ensure_demo(session, settings) is None  # only on an empty database
    assert demo.demo_exists(session)
    assert len(session.exec(select(Invitation)).all()) == 1


def test_no_demo_when_switched_off_or_not_empty(
    session: Session, settings: Settings, loaded: list[questionnaires.Published]
) -> None:
    off = settings.model_copy(update={"demo_on_first_run": False})
    assert demo.ensure_demo(session, off) is None
    assert session.exec(select(Project)).first() is None
    factories.project(session)
    assert demo.ensure_demo(session, settings) is None
    assert not demo.demo_exists(session)


def test_no_demo_without_the_flagship(session: Session, settings: Settings) -> None:
    assert demo.ensure_demo(session, settings) is None
    assert session.exec(select(Project)).first() is None


def test_latest_published_compares_numbers_and_skips_retired(session: Session) -> None:
    for version in ("1.9", "1.10", "2.0"):
        data = minimal_definition() | {"version": version}
        questionnaires.publish(session, parse_definition(data))
    session.commit()
    questionnaires.retire(session, "mini", "2.0")
    latest = demo.latest_published(session, "mini")
    assert latest is not None
    assert latest.version == "1.10"
    assert demo.latest_published(session, "nope") is None


def test_invite_hint_is_a_runnable_command() -> None:
    assert demo.invite_hint() == "radar invite demo 'Demo round' 'Demo region' --multi-use"


def test_prepare_returns_the_token_once_then_the_hint(settings: Settings, engine: Engine) -> None:
    first = prepare(settings, engine)
    assert first.demo_token is not None
    assert first.demo_hint is None
    again = prepare(settings, engine)
    assert again.demo_token is None
    assert again.demo_hint == demo.invite_hint()


def test_synthetic_answers_are_reproducible(flagship: Definition) -> None:
    def make(seed: int) -> dict[str, object]:
        rng = random.Random(seed)
        profile = synthetic.organisation_profile(flagship, rng)
        return synthetic.answers_for(flagship, profile, rng)

    assert make(7) == make(7)
    assert make(7) != make(8)


def test_synthetic_answers_fit_the_definition(flagship: Definition) -> None:
    rng = random.Random(1)
    counts: Counter[str] = Counter()
    for _ in range(40):
        profile = synthetic.organisation_profile(flagship, rng)
        answers = synthetic.answers_for(flagship, profile, rng)
        for item_id, value in answers.items():
            item = flagship.item(item_id)
            assert item.show_if is None or parse_condition(item.show_if).evaluate(answers)
            if item.scale is not None:
                scale = flagship.scales[item.scale]
                assert value == NOT_APPLICABLE or value in scale.values
                counts["na" if value == NOT_APPLICABLE else "scale"] += 1
            elif item.choices is not None:
                ids = {c.id for c in item.choices}
                assert set(value if isinstance(value, list) else [value]) <= ids
    share = counts["na"] / (counts["na"] + counts["scale"])
    assert 0.02 < share < 0.09  # about 5 % "not applicable"


def test_organisations_differ_and_respondents_roughly_agree(flagship: Definition) -> None:
    rng = random.Random(3)
    one, two = (synthetic.organisation_profile(flagship, rng) for _ in range(2))
    assert mean(abs(one[k] - two[k]) for k in one) > 0.05
    seen = [synthetic.respondent_profile(one, "administration", rng) for _ in range(5)]
    for key in one:
        assert abs(mean(s[key] for s in seen) - one[key]) < 0.2


def test_hidden_items_get_no_synthetic_answer() -> None:
    mini = parse_definition(minimal_definition())
    rng = random.Random(0)
    for _ in range(30):
        answers = synthetic.answers_for(mini, synthetic.organisation_profile(mini, rng), rng)
        shown = answers["leadership.has_budget"] == "yes"
        assert ("leadership.budget_size" in answers) == shown


def _overall_by_organisation(session: Session) -> dict[str, list[float]]:
    rows = session.exec(
        select(Organisation.name, ResponseScore.score)
        .join(Response, col(Response.organisation_id) == col(Organisation.id))
        .join(ResponseScore, col(ResponseScore.response_id) == col(Response.id))
        .where(ResponseScore.kind == ScoreKind.OVERALL)
    ).all()
    result: dict[str, list[float]] = {}
    for name, score in rows:
        assert score is not None
        result.setdefault(name, []).append(score)
    return result


def test_populate_adds_scored_partners(
    session: Session, loaded: list[questionnaires.Published], flagship: Definition
) -> None:
    result = demo.populate(session, organisations=4, respondents=3, seed=11)
    assert len(result.organisations) == 4
    assert result.responses == 12
    project = projects.get_project_by_slug(session, demo.DEMO_PROJECT)
    names = {o.name for o in projects.list_organisations(session, project)}
    assert names == {demo.DEMO_ORGANISATION, *result.organisations}
    responses = session.exec(select(Response)).all()
    assert len(responses) == 12
    for response in responses:
        assert response.status == ResponseStatus.SUBMITTED
        assert response.submitted_at is not None
        assert response.language in flagship.languages
        assert validate_answers(flagship, response.answers, complete=True) == []
    assert {r.stakeholder_group for r in responses} == set(synthetic.STAKEHOLDER_GROUPS[:3])
    assert scores.unscored_count(session) == 0
    means = [mean(values) for values in _overall_by_organisation(session).values()]
    assert max(means) - min(means) > 5  # the comparison views have something to show


def test_populate_is_reproducible_with_a_seed(
    session: Session, loaded: list[questionnaires.Published]
) -> None:
    def run() -> tuple[list[str], list[dict[str, object]]]:
        result = demo.populate(session, organisations=2, respondents=2, seed=42)
        answers = [r.answers for r in session.exec(select(Response).order_by(col(Response.id)))]
        for organisation in session.exec(select(Organisation)).all():
            session.delete(organisation)  # responses and scores follow (ON DELETE CASCADE)
        session.commit()
        return result.organisations, answers

    assert run() == run()


def test_populate_extends_the_first_run_demo(
    session: Session, settings: Settings, loaded: list[questionnaires.Published]
) -> None:
    assert demo.ensure_demo(session, settings) is not None
    first = demo.populate(session, organisations=2, respondents=1, seed=1)
    second = demo.populate(session, organisations=2, respondents=1, seed=1)
    assert not set(first.organisations) & set(second.organisations)
    assert len(session.exec(select(Project)).all()) == 1


def test_populate_refuses_negative_numbers(session: Session) -> None:
    with pytest.raises(InvalidInput):
        demo.populate(session, organisations=-1, respondents=1)


def test_more_partners_than_names(session: Session, loaded: list[questionnaires.Published]) -> None:
    result = demo.populate(session, organisations=len(demo.PARTNERS) + 2, respondents=0)
    assert result.organisations[-2:] == ["Partner region 1", "Partner region 2"]


def test_a_demo_that_fails_half_way_leaves_nothing_behind(
    settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first-run demo is one unit of work: a failure after its project and round were
    made (here: losing the race to another instance) leaves nothing, and the next start
    creates the whole demo; the questionnaires, loaded in their own unit, stay."""

    def lost_race(*_args: object, **_kwargs: object) -> None:
        raise Conflict("project 'demo' already exists")

    create = invitations.create_invitation
    monkeypatch.setattr(invitations, "create_invitation", lost_race)
    first = prepare(settings, engine)
    assert (first.demo_token, first.demo_hint) == (None, None)
    assert first.loaded
    with Session(engine) as session:
        assert session.exec(select(Project)).all() == []
    monkeypatch.setattr(invitations, "create_invitation", create)
    assert prepare(settings, engine).demo_token is not None
