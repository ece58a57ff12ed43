"""A respondent completes a shipped translated questionnaire in each of its new languages."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import Organisation, Project
from app.services.questionnaires import Published
from scoring.texts import text_units
from tests import factories
from tests.test_shipped_translations import TRANSLATED, _load
from tests.web.pages import ATTR, INPUT, Page
from tests.web.test_languages import untranslated

NEW_LANGUAGES = ["fr", "it", "es", "pl", "ro"]
SUBMIT = "/respond/submit"


def answers(page: Page) -> dict[str, str]:
    """A choice for every scale and choice question on a step: the middle option of each radio
    group (never "don't know"), and the first box of each checkbox group."""
    _attrs, body = page.form()
    options: dict[str, list[str]] = {}
    for tag in INPUT.findall(body):
        field = dict(ATTR.findall(tag))
        if field.get("type") in ("radio", "checkbox") and field.get("name"):
            options.setdefault(field["name"], []).append(unescape(field.get("value", "")))
    chosen = {}
    for name, values in options.items():
        usable = [v for v in values if v not in ("na", "dont_know")] or values
        chosen[name] = usable[len(usable) // 2]
    return chosen


def complete_in(client: TestClient, token: str, language: str) -> Page:
    """Open the link in ``language``, consent, answer every step and submit; the result page."""
    start = Page.get(client, f"/r/{token}?lang={language}")
    assert start.submit({"consent": "yes"}).status == 200
    page = Page.get(client, "/respond")
    for _step in range(50):
        if page.url == "/respond/review":
            break
        assert page.status == 200, page.text[:2000]
        page = page.submit(answers(page))
    result = page.submit({"confirm": "yes"}, SUBMIT)
    assert result.url == "/respond/result", result.text[:2000]
    return result


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.mark.parametrize(("slug", "version", "_base"), TRANSLATED)
@pytest.mark.parametrize("language", NEW_LANGUAGES)
def test_a_respondent_completes_it_in_each_new_language(
    client: TestClient,
    session: Session,
    loaded: list[Published],
    project: Project,
    organisation: Organisation,
    slug: str,
    version: str,
    _base: str,
    language: str,
) -> None:
    round_ = factories.round_(session, project, slug=slug, version=version)
    _invitation, token = factories.invitation(session, round_, organisation)
    session.commit()
    client.headers["Accept-Language"] = "en"  # the link's language wins over the browser's
    result = complete_in(client, token, language)
    assert f'lang="{language}"' in result.text
    assert not untranslated(result.text, language)
    shown = _text(result.text)
    titles = {u.path: u.texts for u in text_units(_load(slug, version))}
    dimension_titles = [
        t for path, t in titles.items() if path.endswith("].title") and "dimensions[" in path
    ]
    assert all(t[language] in shown for t in dimension_titles)
    assert not any(t["en"] in shown for t in dimension_titles if t["en"] != t[language])
