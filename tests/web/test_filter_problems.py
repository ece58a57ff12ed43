"""A wrong filter on a facilitator page is told on the page, beside its field, not instead of it.

Each refused value leaves the page with its filter form (422), the problem beside the field
and in the summary (naming the allowed values or range), and what was typed kept.
"""

from __future__ import annotations

from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import User
from app.services import members
from tests import factories
from tests.cohort_data import Seeded, seed
from tests.web.conftest import log_in


@pytest.fixture
def seeded(session: Session, facilitator: User) -> Seeded:
    """The cohort tests' round in a project of its own, Ana a member."""
    made = seed(session)
    members.add_member(session, made.project, facilitator)
    session.commit()
    return made


def _dashboard(seeded: Seeded) -> str:
    return f"/projects/{seeded.project.slug}/rounds/{seeded.round.id}/dashboard"


def _beside(html: str, field: str) -> str:
    """The problem shown beside ``field`` ("" when there is none)."""
    start = html.find(f'id="e-{field}"')
    if start < 0:
        return ""
    return unescape(html[start : html.index("</p>", start)])


def _summary(html: str) -> str:
    start = html.index('class="error-summary"')
    return unescape(html[start : html.index("</div>", start)])


def _assert_form_with_problem(page: str, field: str, words: str) -> None:
    """The filter form, the problem in the summary, and beside its field if the page shows
    that field (``page`` has none; ``before`` only with an earlier round to choose)."""
    assert 'class="filters"' in page  # the form to correct it in, not a bare error page
    assert "This filter cannot be used" in page
    assert "Nothing was saved" not in page  # a filter saves nothing
    assert words in _summary(page)
    if field not in ("page", "before"):
        assert words in _beside(page, field), page


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"k": "999"}, "k", "k: 999 is not allowed here; use a whole number from 1 to 50"),
        ({"page": "-1"}, "page", "page: -1 is not allowed here; use a whole number from 1 to"),
        ({"only": "abc"}, "only", "only: 'abc' is not allowed here; use a whole number from 1 to"),
        ({"attribute": "height"}, "attribute", "'height' is none of population"),
        ({"group": "zzz"}, "group", "group: 'zzz' is not one of administration"),
        ({"kind": "castle"}, "kind", "castle"),
    ],
)
def test_a_wrong_dashboard_filter_is_shown_beside_its_field(
    client: TestClient, seeded: Seeded, params: dict[str, str], field: str, words: str
) -> None:
    log_in(client, "ana@example.org")
    page = client.get(_dashboard(seeded), params=params)
    assert page.status_code == 422
    _assert_form_with_problem(page.text, field, words)
    assert 'id="organisations-table"' in page.text  # the dashboard, drawn without that filter


def test_typed_values_are_kept_and_the_others_apply(client: TestClient, seeded: Seeded) -> None:
    log_in(client, "ana@example.org")
    page = client.get(_dashboard(seeded), params={"k": "999", "country": "DE"})
    assert page.status_code == 422
    assert 'name="k" type="number" min="1" max="50" value="999"' in page.text
    assert '<option value="DE" selected>' in page.text  # the right filter still applies


def test_another_projects_organisation_or_round(
    client: TestClient, seeded: Seeded, session: Session
) -> None:
    other = factories.project(session, "other")
    elsewhere = factories.organisation(session, other, "Elsewhere")
    foreign_round = factories.round_(session, other, "Foreign round")
    session.commit()
    log_in(client, "ana@example.org")
    only = client.get(_dashboard(seeded), params={"only": elsewhere.id})
    assert only.status_code == 422
    _assert_form_with_problem(only.text, "only", f"only: no organisation {elsewhere.id}")
    similar = client.get(_dashboard(seeded), params={"partner_of": elsewhere.id})
    assert similar.status_code == 422
    _assert_form_with_problem(similar.text, "partner_of", f"has no organisation {elsewhere.id}")
    change = _dashboard(seeded).replace("/dashboard", "/change")
    before = client.get(change, params={"before": foreign_round.id})
    assert before.status_code == 422
    _assert_form_with_problem(before.text, "before", f"before: no round {foreign_round.id}")
    group = client.get(change, params={"group": "zzz"})
    assert group.status_code == 422
    _assert_form_with_problem(group.text, "group", "group: 'zzz' is not one of administration")
    assert "Elsewhere" not in only.text + similar.text
    assert "Foreign round" not in before.text


def test_a_wrong_round_on_the_quality_page(client: TestClient, seeded: Seeded) -> None:
    log_in(client, "ana@example.org")
    start = client.get(f"/projects/{seeded.project.slug}/rounds/{seeded.round.id}/quality")
    assert start.status_code == 200
    page = client.get(f"{start.url.path}?round=x")
    assert page.status_code == 422
    _assert_form_with_problem(page.text, "round", "round: 'x' is not allowed here; use a whole")
