"""Lists are cut in the database: LIMIT/OFFSET and COUNT run there, bounds are checked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.errors import InvalidInput, NotFound
from app.services import paging, questionnaires
from scoring import parse_definition
from tests.helpers import minimal_definition

VERSIONS = ["1.0", "1.1", "1.2", "2.0", "2.1"]


@pytest.fixture
def five_versions(session: Session) -> None:
    for version in VERSIONS:
        data = minimal_definition()
        data["version"] = version
        questionnaires.publish(session, parse_definition(data))
    for slug in ("zeta", "alpha"):
        data = minimal_definition()
        data["slug"] = slug
        questionnaires.publish(session, parse_definition(data))
    session.commit()


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement the engine runs while the test does."""
    seen: list[str] = []

    def record(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_versions_are_paged_in_order(session: Session, five_versions: None) -> None:
    pages = [questionnaires.page_versions(session, "mini", 2, offset) for offset in (0, 2, 4, 6)]
    assert [[v.version for v in page.items] for page in pages] == [
        ["1.0", "1.1"],
        ["1.2", "2.0"],
        ["2.1"],
        [],
    ]
    assert {page.total for page in pages} == {5}
    assert (pages[1].limit, pages[1].offset) == (2, 2)


def test_questionnaires_are_paged_by_slug_with_all_their_versions(
    session: Session, five_versions: None
) -> None:
    first = questionnaires.page_questionnaires(session, 2, 0)
    assert [(q.slug, len(v)) for q, v in first.items] == [("alpha", 1), ("mini", 5)]
    assert first.total == 3
    [(last, versions)] = questionnaires.page_questionnaires(session, 2, 2).items
    assert (last.slug, [v.version for v in versions]) == ("zeta", ["1.0"])


def test_the_database_cuts_the_page(
    session: Session, five_versions: None, statements: list[str]
) -> None:
    questionnaires.page_versions(session, "mini", 2, 1)
    [window] = [s for s in statements if "LIMIT" in s.upper()]
    assert "OFFSET" in window.upper()
    assert any("count(" in s.lower() for s in statements)


def test_an_unknown_questionnaire_has_no_pages(session: Session) -> None:
    with pytest.raises(NotFound, match="no questionnaire 'nope'"):
        questionnaires.page_versions(session, "nope", 10, 0)


@pytest.mark.parametrize(
    ("limit", "offset"),
    [(0, 0), (paging.MAX_LIMIT + 1, 0), (10, -1), (10, paging.MAX_OFFSET + 1), (10, 2**63)],
)
def test_a_window_out_of_range_is_refused(session: Session, limit: int, offset: int) -> None:
    with pytest.raises(InvalidInput, match="must be between"):
        questionnaires.page_versions(session, "mini", limit, offset)


def test_the_largest_offset_is_an_empty_page(session: Session, five_versions: None) -> None:
    page = questionnaires.page_versions(session, "mini", paging.MAX_LIMIT, paging.MAX_OFFSET)
    assert (page.items, page.total) == ([], 5)
