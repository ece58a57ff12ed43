"""Projects and organisations: unique names, clear errors."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from app.errors import Conflict, InvalidInput, NotFound
from app.services import projects


def test_create_and_find_project(session: Session) -> None:
    project = projects.create_project(session, "eu-net", "EU network", min_group_size=4)
    assert project.id is not None
    assert projects.get_project_by_slug(session, "eu-net").min_group_size == 4
    assert [p.slug for p in projects.list_projects(session)] == ["eu-net"]


def test_duplicate_slug_is_a_conflict(session: Session) -> None:
    projects.create_project(session, "eu-net", "EU network")
    with pytest.raises(Conflict, match="project 'eu-net' already exists"):
        projects.create_project(session, "eu-net", "Another")


def test_min_group_size_must_be_positive(session: Session) -> None:
    with pytest.raises(InvalidInput):
        projects.create_project(session, "x", "X", min_group_size=0)


def test_unknown_project(session: Session) -> None:
    with pytest.raises(NotFound, match="no project 'nope'"):
        projects.get_project_by_slug(session, "nope")


def test_organisations_are_unique_per_project(session: Session) -> None:
    one = projects.create_project(session, "one", "One")
    two = projects.create_project(session, "two", "Two")
    added = projects.add_organisation(session, one, "Saxony", country="de")
    assert (added.country, added.kind) == ("DE", "region")
    projects.add_organisation(session, two, "Saxony", country="DE")  # another project: fine
    with pytest.raises(Conflict, match="'one' already has an organisation 'Saxony'"):
        projects.add_organisation(session, one, "Saxony")
    assert projects.get_organisation(session, one, "Saxony").id == added.id
    assert [o.name for o in projects.list_organisations(session, two)] == ["Saxony"]


def test_unknown_organisation_names_project_and_organisation(session: Session) -> None:
    project = projects.create_project(session, "one", "One")
    with pytest.raises(NotFound, match="project 'one' has no organisation 'Atlantis'"):
        projects.get_organisation(session, project, "Atlantis")


def test_country_must_be_two_letters(session: Session) -> None:
    project = projects.create_project(session, "one", "One")
    with pytest.raises(InvalidInput, match="two-letter"):
        projects.add_organisation(session, project, "X", country="DEU")
