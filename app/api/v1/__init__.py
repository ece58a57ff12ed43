"""JSON API version 1, mounted under ``/api/v1`` (:data:`PREFIX`): one router per resource,
each with its pydantic schemas beside its routes.

The questionnaires' routes (:data:`reads`) are not in :data:`router`: the app includes them
on their own, right after the health probes (``app.api``, "why"), in the place they had first
in this router, so the OpenAPI document lists everything in the same order."""

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

PREFIX = "/api/v1"
reads = questionnaires.router
router = APIRouter(prefix=PREFIX)
router.include_router(projects.router)
router.include_router(responses.router)
router.include_router(profiles.router)
router.include_router(change.router)
router.include_router(reports.router)
router.include_router(exports.router)
router.include_router(export_jobs.router)
router.include_router(quality.router)
