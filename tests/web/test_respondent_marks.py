"""What a respondent needs to read on the pages (issue 9.13 and the response reference):
required questions marked visibly and for screen readers, the stakeholder group's label in the
page language, and the response reference to quote for a copy or erasure."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app import stakeholder_groups
from app.services import synthetic
from tests import factories
from tests.helpers import minimal_definition, open_items
from tests.web.conftest import MakeLink, begin, complete
from tests.web.pages import Page

MARK = '<span class="required-mark" aria-hidden="true">*</span>'


@pytest.fixture
def token(session: Session) -> str:
    """A questionnaire with a required text item and an optional number item; a link for the
    group ``civil-society``."""
    data = minimal_definition()
    data["slug"] = "marks"
    data["items"] += open_items(note_required=True)
    factories.questionnaire(session, data)
    made = factories.network(session, slug="marks")
    _invitation, token = factories.invitation(
        session, made.round, made.organisation, stakeholder_group="civil-society"
    )
    session.commit()
    return token


def _tag(page: Page, element: str, name: str) -> str:
    """The first ``<element ... name="name" ...>`` start tag of the page."""
    match = re.search(rf'<{element}\b[^>]*\bname="{re.escape(name)}"[^>]*>', page.text)
    assert match, f"no {element} {name}"
    return match.group(0)


def test_required_questions_are_marked_for_eyes_and_screen_readers(
    client: TestClient, token: str
) -> None:
    step = begin(client, token)
    assert '<p class="required-legend">* required</p>' in step.text
    assert f"Mandate? {MARK}" in step.text
    assert f'Note? {MARK}<span class="visually-hidden"> (required)</span>' in step.text
    assert 'Staff? <span class="optional">(optional)</span>' in step.text
    assert " required" in _tag(step, "input", "leadership.mandate")  # a required radio group
    note = _tag(step, "textarea", "leadership.note")
    assert ' required aria-required="true"' in note
    staff = _tag(step, "input", "leadership.staff")
    assert "required" not in staff
    assert "novalidate" in step.text  # the server checks: the browser never blocks a save
    # The review still saves without the required answers (nothing blocks "save and later").
    assert step.submit({"leadership.mandate": "2"}).status == 200


def test_the_legend_is_translated(client: TestClient, token: str) -> None:
    client.headers["Accept-Language"] = "de"
    step = begin(client, token)
    assert '<p class="required-legend">* Pflichtangabe</p>' in step.text
    assert f'Notiz? {MARK}<span class="visually-hidden"> (Pflichtangabe)</span>' in step.text


@pytest.mark.parametrize(
    ("language", "label"), [("en", "Group: Civil society"), ("de", "Gruppe: Zivilgesellschaft")]
)
def test_the_start_page_shows_the_groups_label_not_its_slug(
    client: TestClient, token: str, language: str, label: str
) -> None:
    client.headers["Accept-Language"] = language
    start = Page.get(client, f"/r/{token}")
    assert label in start.text
    assert "civil-society" not in start.text


def test_group_labels() -> None:
    assert set(synthetic.GROUP_BIAS) == set(stakeholder_groups.LABELS)  # the demo's groups
    assert stakeholder_groups.label(None, str) == ""
    assert stakeholder_groups.label("city-council", str) == "City council"
    assert stakeholder_groups.label("Stadtrat <Nord>", str) == "Stadtrat <Nord>"


def test_the_response_reference_is_on_the_result_and_later_pages(
    client: TestClient, make_link: MakeLink, session: Session
) -> None:
    step = begin(client, make_link())
    later = step.submit({"action": "later"})
    assert "Your answers are saved" in later.text
    reference = re.search(r"Your response reference: <code>([^<]+)</code>", later.text)
    assert reference, later.text
    public_id = reference.group(1)
    assert "give this reference to the organisers of this round" in later.text
    result = complete(Page.get(client, "/respond/step/1"))
    assert f"Your response reference: <code>{public_id}</code>" in result.text
    assert client.get("/respond/result.json").json()["public_id"] == public_id
    german = result.submit(
        {"switch_language": "de", "next": "/respond/result"}, "/respond/language"
    )
    assert f"Kennung Ihrer Antwort: <code>{public_id}</code>" in german.text
