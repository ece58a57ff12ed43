"""The facilitator area: login, projects, partners, rounds, a round's invitations, progress,
dashboard, change between rounds, partner reports and exports, a questionnaire version's
instrument quality, user management, API tokens, audit log.

Access is decided on the routers, never per route (:mod:`app.web.facilitate.access`): the
login pages are open, every other router carries ``AREA`` (a live login, CSRF on every
state-changing method), the user-management router ``ADMIN`` as well, and every route with a
project in its path takes :data:`~app.web.facilitate.access.ProjectDep`. The access-control
table test (tests/web/test_facilitator_access.py) walks every route of this package with each
role, so a route that forgets its check fails there.
"""

from fastapi import APIRouter

from app.web.facilitate import (
    audit,
    change,
    dashboard,
    export_jobs,
    exports,
    invitations,
    login,
    organisations,
    progress,
    projects,
    quality,
    reports,
    rounds,
    tokens,
    users,
)

router = APIRouter()
router.include_router(login.router)
router.include_router(login.area)
router.include_router(projects.router)
router.include_router(organisations.router)
router.include_router(rounds.router)
router.include_router(users.router)
router.include_router(invitations.router)
router.include_router(progress.router)
router.include_router(exports.router)
router.include_router(export_jobs.router)
router.include_router(dashboard.router)
router.include_router(change.router)
router.include_router(reports.router)
router.include_router(quality.router)
router.include_router(tokens.router)
router.include_router(tokens.admin)
router.include_router(audit.router)
