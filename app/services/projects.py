"""Projects (networks, cohorts) and their partner organisations.

Names are unique where people type them (a project slug; an organisation name within its
project), so the CLI and the web can address objects by name. Duplicates are refused with
:class:`~app.errors.Conflict` before the database has to say so, with a sentence a facilitator
understands.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from app import limits
from app.errors import Conflict, InvalidInput, NotFound
from app.models import Organisation, Project
from app.services import audit
from scoring import shorten


def create_project(session: Session, slug: str, name: str, *, min_group_size: int = 3) -> Project:
    """Create a project; its slug is unique across the service."""
    limits.text(slug, "project slug", column=Project.slug, required=True)
    limits.text(name, "project name", column=Project.name, required=True)
    limits.integer(min_group_size, "minimum group size", low=1, column=Project.min_group_size)
    if find_project(session, slug) is not None:
        raise Conflict(f"project {slug!r} already exists", slug=slug)
    project = Project(slug=slug, name=name, min_group_size=min_group_size)
    session.add(project)
    session.flush()
    audit.record(
        session,
        "project.create",
        object_type="project",
        object_id=slug,
        project_id=project.id,
        name=name,
    )
    return project


def find_project(session: Session, slug: str) -> Project | None:
    if not limits.findable(slug, Project.slug):
        return None
    return session.exec(select(Project).where(Project.slug == slug)).first()


def get_project_by_slug(session: Session, slug: str) -> Project:
    project = find_project(session, slug)
    if project is None:
        raise NotFound(f"no project {shorten(slug)}", slug=slug)
    return project


def list_projects(session: Session) -> list[Project]:
    return list(session.exec(select(Project).order_by(col(Project.slug))).all())


def add_organisation(
    session: Session, project: Project, name: str, country: str = "", kind: str = "region"
) -> Organisation:
    """Add a partner organisation; ``country`` is an ISO 3166 alpha-2 code or ""."""
    limits.text(name, "organisation name", column=Organisation.name, required=True)
    limits.text(kind, "organisation kind", column=Organisation.kind, required=True)
    country = country.strip().upper()
    if country and (len(country) != 2 or not country.isascii() or not country.isalpha()):
        raise InvalidInput(f"country {shorten(country)} is not a two-letter code such as DE")
    if find_organisation(session, project, name) is not None:
        raise Conflict(
            f"project {project.slug!r} already has an organisation {name!r}",
            project=project.slug,
            organisation=name,
        )
    assert project.id is not None
    organisation = Organisation(project_id=project.id, name=name, country=country, kind=kind)
    session.add(organisation)
    session.flush()
    audit.record(
        session,
        "organisation.add",
        object_type="organisation",
        object_id=organisation.id,
        project_id=project.id,
        name=name,
    )
    return organisation


def get_organisation(session: Session, project: Project, name: str) -> Organisation:
    organisation = find_organisation(session, project, name)
    if organisation is None:
        raise NotFound(
            f"project {project.slug!r} has no organisation {shorten(name)}",
            project=project.slug,
            organisation=name,
        )
    return organisation


def list_organisations(session: Session, project: Project) -> list[Organisation]:
    return list(
        session.exec(
            select(Organisation)
            .where(Organisation.project_id == project.id)
            .order_by(col(Organisation.name))
        ).all()
    )


def find_organisation(session: Session, project: Project, name: str) -> Organisation | None:
    if not limits.findable(name, Organisation.name):
        return None
    return session.exec(
        select(Organisation).where(Organisation.project_id == project.id, Organisation.name == name)
    ).first()
