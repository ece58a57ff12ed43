"""Projects (networks, cohorts) and their partner organisations.

Names are unique where people type them (a project slug; an organisation name within its
project), so the CLI and the web can address objects by name. Duplicates are refused with
:class:`~app.errors.Conflict` before the database has to say so, with a sentence a facilitator
understands.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict
from typing import Any

from sqlmodel import Session, col, select

from app import limits
from app.db_types import utcnow
from app.errors import NO_ORGANISATION_OF, NO_PROJECT, Conflict, InvalidInput, NotFound
from app.i18n import N_, Message
from app.models import Organisation, Project
from app.services import audit, partner_fields
from scoring import shorten

PROJECT_EXISTS = N_("project %(slug)s already exists")
BAD_SLUG = N_(
    "project slug: %(slug)s is not lower-case letters, digits and single hyphens (such as "
    "baltic-network); it names the project in every link"
)
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""A project slug as :func:`free_slug` makes them: safe in a URL path segment as it stands."""
ORGANISATION_EXISTS = N_("project %(project)s already has an organisation %(name)s")


def create_project(session: Session, slug: str, name: str, *, min_group_size: int = 3) -> Project:
    """Create a project; its slug is unique across the service."""
    limits.text(slug, "project slug", column=Project.slug, required=True)
    if not SLUG.fullmatch(slug):
        raise InvalidInput(Message(BAD_SLUG, slug=repr(slug)), field="slug")
    limits.name(name, "project name", column=Project.name)
    limits.integer(min_group_size, "minimum group size", low=1, column=Project.min_group_size)
    if find_project(session, slug) is not None:
        raise Conflict(Message(PROJECT_EXISTS, slug=repr(slug)), slug=slug)
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
        raise NotFound(Message(NO_PROJECT, slug=shorten(slug)), slug=slug)
    return project


def list_projects(session: Session) -> list[Project]:
    return list(session.exec(select(Project).order_by(col(Project.slug))).all())


def rename_project(
    session: Session, project: Project, name: str, *, actor: str = audit.OPERATOR
) -> Project:
    """A new display name (the slug stays: links and commands use it)."""
    project.name = limits.name(name.strip(), "project name", column=Project.name)
    session.add(project)
    audit.record(
        session,
        "project.rename",
        actor=actor,
        object_type="project",
        object_id=project.slug,
        project_id=project.id,
        name=project.name,
    )
    return project


def set_archived(
    session: Session, project: Project, archived: bool, *, actor: str = audit.OPERATOR
) -> Project:
    """Archive a project (it leaves the lists, its data stays) or bring it back."""
    project.archived_at = (project.archived_at or utcnow()) if archived else None
    session.add(project)
    audit.record(
        session,
        "project.archive" if archived else "project.unarchive",
        actor=actor,
        object_type="project",
        object_id=project.slug,
        project_id=project.id,
    )
    return project


def add_organisation(
    session: Session,
    project: Project,
    name: str,
    country: str = "",
    kind: str = "region",
    **attributes: Any,
) -> Organisation:
    """Add a partner organisation; values as :func:`app.services.partner_fields.check` takes
    them (``country`` an ISO 3166 alpha-2 code or "")."""
    fields = partner_fields.check(name, country, kind, **attributes)
    if find_organisation(session, project, fields.name) is not None:
        raise _duplicate(project, fields.name)
    assert project.id is not None
    organisation = Organisation(project_id=project.id, **asdict(fields))
    session.add(organisation)
    session.flush()
    audit.record(
        session,
        "organisation.add",
        object_type="organisation",
        object_id=organisation.id,
        project_id=project.id,
        name=fields.name,
    )
    return organisation


def add_partner(
    session: Session, project: Project, fields: partner_fields.PartnerFields
) -> Organisation:
    """:func:`add_organisation` with values checked already (a form, a CSV row)."""
    return add_organisation(
        session,
        project,
        fields.name,
        fields.country,
        fields.kind,
        population=fields.population,
        foreign_born_share=fields.foreign_born_share,
        area_type=fields.area_type,
    )


def _duplicate(project: Project, name: str) -> Conflict:
    return Conflict(
        Message(ORGANISATION_EXISTS, project=repr(project.slug), name=repr(name)),
        project=project.slug,
        organisation=name,
    )


def update_organisation(
    session: Session,
    organisation: Organisation,
    fields: partner_fields.PartnerFields,
    *,
    actor: str = audit.OPERATOR,
) -> Organisation:
    """Change a partner's values (checked :class:`~app.services.partner_fields.PartnerFields`);
    a new name must be free in the project."""
    if fields.name != organisation.name:
        project = session.get(Project, organisation.project_id)
        assert project is not None
        if find_organisation(session, project, fields.name) is not None:
            raise _duplicate(project, fields.name)
    for key, value in asdict(fields).items():
        setattr(organisation, key, value)
    session.add(organisation)
    session.flush()
    audit.record(
        session,
        "organisation.change",
        actor=actor,
        object_type="organisation",
        object_id=organisation.id,
        project_id=organisation.project_id,
        name=fields.name,
    )
    return organisation


def remove_organisation(
    session: Session, organisation: Organisation, *, actor: str = audit.OPERATOR
) -> None:
    """Delete a partner with its invitations and responses (the database cascades)."""
    audit.record(
        session,
        "organisation.remove",
        actor=actor,
        object_type="organisation",
        object_id=organisation.id,
        project_id=organisation.project_id,
        name=organisation.name,
    )
    session.delete(organisation)
    session.flush()


def organisation_in(session: Session, project: Project, organisation_id: int) -> Organisation:
    """The organisation with this id *in this project*; any other is "not found", so an id
    of another project reveals nothing."""
    found = session.get(Organisation, organisation_id) if limits.is_id(organisation_id) else None
    if found is None or found.project_id != project.id:
        raise NotFound(
            Message(
                NO_ORGANISATION_OF, project=repr(project.slug), organisation=str(organisation_id)
            )
        )
    return found


def get_organisation(session: Session, project: Project, name: str) -> Organisation:
    organisation = find_organisation(session, project, name)
    if organisation is None:
        raise NotFound(
            Message(NO_ORGANISATION_OF, project=repr(project.slug), organisation=shorten(name)),
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


def free_slug(session: Session, name: str) -> str:
    """A slug for a new project made from its name ("Baltic Network" -> "baltic-network"),
    numbered when taken; letters outside ASCII lose their accents."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:50] or "project"
    slug, number = base, 1
    while find_project(session, slug) is not None:
        number += 1
        slug = f"{base}-{number}"
    return slug
