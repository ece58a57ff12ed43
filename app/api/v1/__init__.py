"""JSON API version 1, mounted under ``/api/v1``: one router per resource, each with its
pydantic schemas beside its routes."""

from fastapi import APIRouter

from app.api.v1 import (
    change,
    export_jobs,
    exports,
    profiles,
    projects,
    quality,
    questionnaires,
    reports,
    responses,
)

router = APIRouter(prefix="/api/v1")
router.include_router(questionnaires.router)
router.include_router(projects.router)
router.include_router(responses.router)
router.include_router(profiles.router)
router.include_router(change.router)
router.include_router(reports.router)
router.include_router(exports.router)
router.include_router(export_jobs.router)
router.include_router(quality.router)
