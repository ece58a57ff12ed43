"""The audit log page: who did what to which object, when, with the event's details.

Admins see every event (and may filter by project); facilitators only the events of the
projects they are members of (a project they cannot open is a wrong value of the filter,
422 naming ``project``, worded alike whether it exists or not).
Filters: project, action and actor (a part of it), object type, the last N days. The page is
cut in SQL (:func:`app.services.audit.page_events`, 50 events, newest first) with previous
and next links that keep the filters. Ids of responses of anonymous rounds never appear.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import QueryParams

from app import limits, links
from app.deps import SessionDep
from app.errors import NO_PROJECT, InvalidInput, NotFound, choice
from app.i18n import Message
from app.models import Project
from app.services import audit, members
from app.services.paging import MAX_OFFSET, Slice
from app.web.facilitate.access import AREA, FacilitatorDep, render
from scoring import shorten

router = APIRouter(dependencies=AREA)

PAGE_SIZE = 50
FILTERS = ("project", "action", "actor", "object_type", "days")


def _number(
    params: QueryParams, name: str, *, default: int | None, low: int, high: int
) -> int | None:
    """A whole-number query value (``default`` when empty or missing); anything that is no
    whole number of at most ten digits is :class:`InvalidInput` naming the range ``low`` to
    ``high`` (the services check the range itself: the days, the listing's window)."""
    text = params.get(name, "").strip()
    if not text:
        return default
    if text.isascii() and text.isdigit() and len(text) <= len(str(MAX_OFFSET)):
        return int(text)
    wrong = Message(limits.WHOLE_NUMBER_RANGE, value=shorten(text), low=low, high=high)
    raise InvalidInput(Message(limits.FIELD_PROBLEM, field=name, problem=wrong), field=name)


def _project(reachable: list[Project], slug: str) -> Project | None:
    """The project the filter names among those the user may open (None: no filter); any
    other is "not found", worded alike whether it exists or not."""
    if not slug:
        return None
    found = next((p for p in reachable if p.slug == slug), None)
    if found is None:
        raise NotFound(Message(NO_PROJECT, slug=shorten(slug)))
    return found


@router.get("/audit", name="facilitate.audit")
def audit_log(request: Request, session: SessionDep, facilitator: FacilitatorDep) -> Response:
    params = request.query_params
    typed = {name: params.get(name, "") for name in FILTERS}
    reachable: list[Project] = members.projects_of(session, facilitator.user) + members.projects_of(
        session, facilitator.user, archived=True
    )
    by_id = {project.id: project for project in reachable if project.id is not None}
    error: Message | str | None = None
    found: Slice[Any] = Slice([], 0, PAGE_SIZE, 0)
    try:
        chosen = choice("project", lambda: _project(reachable, typed["project"]))
        wanted = audit.EventFilter(
            projects=None if facilitator.is_admin else list(by_id),
            project_id=chosen.id if chosen else None,
            action=typed["action"],
            actor=typed["actor"],
            object_type=typed["object_type"],
            days=_number(params, "days", default=None, low=1, high=audit.MAX_DAYS),
        )
        offset = _number(params, "offset", default=0, low=0, high=MAX_OFFSET) or 0
        found = audit.page_events(session, wanted, PAGE_SIZE, offset)
    except InvalidInput as problem:
        error = problem.message

    def page_link(offset: int) -> str:
        query = {name: value for name, value in typed.items() if value}
        if offset:
            query["offset"] = str(offset)
        return links.path_for(request, "facilitate.audit", _query=query)

    previous = page_link(max(found.offset - PAGE_SIZE, 0)) if found.offset > 0 else None
    following = (
        page_link(found.offset + PAGE_SIZE)
        if found.offset + len(found.items) < found.total
        else None
    )
    return render(
        request,
        facilitator,
        "facilitate/audit.html",
        {
            "events": found.items,
            "total": found.total,
            "first": found.offset + 1,
            "projects": sorted(reachable, key=lambda p: p.name.casefold()),
            "by_id": by_id,
            "object_types": audit.OBJECT_TYPES,
            "typed": typed,
            "error": error,
            "previous": previous,
            "following": following,
        },
        status_code=422 if error else 200,
    )
