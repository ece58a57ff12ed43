"""Day-only times (anonymous rounds) are shown as a date only, on the day the respondent lived
in the service's time zone, whatever that zone is: never an invented "01:00", never the day
before (docs/architecture.md, "Anonymous rounds keep days, not times")."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from app.models import Round
from app.services import responses
from app.settings import Settings, get_settings
from tests.web.conftest import MakeLink, begin, complete
from tests.web.pages import Page

CASES = [
    # zone, the moment of submission (UTC), the local day it was there
    ("Europe/Berlin", datetime(2026, 11, 30, 19, 45, tzinfo=UTC), "30 November 2026"),
    ("Europe/Berlin", datetime(2026, 11, 30, 23, 30, tzinfo=UTC), "1 December 2026"),
    ("America/New_York", datetime(2026, 11, 30, 15, 0, tzinfo=UTC), "30 November 2026"),
    ("America/New_York", datetime(2026, 12, 1, 2, 0, tzinfo=UTC), "30 November 2026"),
    ("Pacific/Auckland", datetime(2026, 11, 30, 20, 0, tzinfo=UTC), "1 December 2026"),
]


@pytest.fixture(params=CASES, ids=lambda case: f"{case[0]}-{case[1]:%dT%H%M}")
def case(request: pytest.FixtureRequest) -> tuple[str, datetime, str]:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def settings(
    settings: Settings, case: tuple[str, datetime, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """The service in the case's time zone (the app's settings and the services' alike)."""
    monkeypatch.setenv("RADAR_TIME_ZONE", case[0])
    get_settings.cache_clear()
    yield settings.model_copy(update={"time_zone": case[0]})
    get_settings.cache_clear()


def test_a_day_only_submission_reads_as_its_local_day(
    client: TestClient,
    anonymous: Round,
    make_link: MakeLink,
    case: tuple[str, datetime, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _zone, moment, day = case
    monkeypatch.setattr(responses, "utcnow", lambda: moment)
    first_step = begin(client, make_link())
    start = Page.get(client, "/respond/start")
    assert f"You agreed to this notice on {day}.</p>" in start.text
    result = complete(first_step)
    assert f"Submitted on {day}. Your answers" in result.text
    assert ", 01:00" not in result.text
    iso = datetime.strptime(day, "%d %B %Y").date().isoformat()
    data = client.get("/respond/result.json").json()
    assert (data["submitted_at"], data["consent"]["given_at"], data["times"]) == (
        iso,
        iso,
        "day_only",
    )


def test_a_named_round_shows_the_local_date_and_time(
    client: TestClient,
    make_link: MakeLink,
    case: tuple[str, datetime, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    zone, moment, _day = case
    monkeypatch.setattr(responses, "utcnow", lambda: moment)
    result = complete(begin(client, make_link()))
    local = moment.astimezone(ZoneInfo(zone))
    assert f"Submitted on {local.day} {local:%B %Y}, {local:%H:%M}. Your" in result.text
    data = client.get("/respond/result.json").json()
    assert (data["submitted_at"], data["times"]) == (moment.isoformat(), "precise")
