"""Who may work on which project: admins on every one, facilitators on those they belong to.

This is the one rule of project access. The web's project dependency
(:func:`app.web.facilitate.access.get_project`) asks :func:`may_access` and answers "not
found" otherwise, so that a project's existence is not revealed to outsiders.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.errors import Conflict, InvalidInput
from app.i18n import N_, Message
from app.models import Project, ProjectMember, Role, User
from app.services import accounts, audit

ALREADY_MEMBER = N_("%(email)s is already a member of project %(project)s")
LAST_MEMBER = N_("%(email)s is the last member of project %(project)s; add someone else first")


def is_member(session: Session, project: Project, user: User) -> bool:
    return session.get(ProjectMember, (project.id, user.id)) is not None


def may_access(session: Session, user: User, project: Project) -> bool:
    """Whether an active ``user`` may see and change ``project``."""
    return user.is_active and (user.role == Role.ADMIN or is_member(session, project, user))


def projects_of(session: Session, user: User, *, archived: bool = False) -> list[Project]:
    """The projects ``user`` may open (all for an admin), active or archived ones, by name."""
    query = select(Project).order_by(col(Project.name), col(Project.slug))
    if user.role != Role.ADMIN:
        query = query.join(ProjectMember).where(ProjectMember.user_id == user.id)
    if archived:
        query = query.where(col(Project.archived_at).is_not(None))
    else:
        query = query.where(col(Project.archived_at).is_(None))
    return list(session.exec(query).all())


def members_of(session: Session, project: Project) -> list[User]:
    return list(
        session.exec(
            select(User)
            .join(ProjectMember)
            .where(ProjectMember.project_id == project.id)
            .order_by(col(User.email))
        ).all()
    )


def add_member(
    session: Session, project: Project, user: User, *, actor: str = audit.OPERATOR
) -> None:
    if not user.is_active:
        raise InvalidInput(
            Message(accounts.ACCOUNT_DISABLED, email=repr(user.email)), field="email"
        )
    if is_member(session, project, user):
        raise Conflict(Message(ALREADY_MEMBER, email=repr(user.email), project=repr(project.slug)))
    assert project.id is not None
    assert user.id is not None
    session.add(ProjectMember(project_id=project.id, user_id=user.id))
    session.flush()
    audit.record(
        session,
        "member.add",
        actor=actor,
        object_type="user",
        object_id=user.id,
        project_id=project.id,
    )


def remove_member(
    session: Session, project: Project, user: User, *, actor: str = audit.OPERATOR
) -> None:
    """Remove ``user`` from the project; the last member stays (someone must run it)."""
    membership = session.get(ProjectMember, (project.id, user.id))
    if membership is None:
        return
    if len(members_of(session, project)) == 1:
        raise Conflict(Message(LAST_MEMBER, email=repr(user.email), project=repr(project.slug)))
    session.delete(membership)
    session.flush()
    audit.record(
        session,
        "member.remove",
        actor=actor,
        object_type="user",
        object_id=user.id,
        project_id=project.id,
    )
