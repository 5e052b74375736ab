"""Routes for exclusions: a student leaves, and comes back to, every outcome figure."""

from __future__ import annotations

from enum import Enum
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from services.recruitment.adapters.db.exclusions import EXCLUSION_LIST
from services.recruitment.adapters.http.common import Cursor, Limit, command_of, listed, record
from services.recruitment.adapters.http.views import ExclusionOut, ExclusionRecorded
from services.recruitment.commands import ApplyExclusion, RevokeExclusion
from services.recruitment.commands.students import ExclusionIn, RevocationIn
from shared.web.errors import ERROR_RESPONSES
from shared.web.pagination import Page
from shared.web.routes import IdempotencyKey

router = APIRouter()
students: list[str | Enum] = ["students"]


@router.post(
    "/students/{student_id}/exclusions",
    responses=ERROR_RESPONSES,
    status_code=201,
    response_model=ExclusionRecorded,
    tags=students,
    summary="Exclude the student from outcome figures",
)
async def post_exclusion(
    student_id: UUID, body: ExclusionIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    """ExclusionApplied (death, long illness, military service), keyed by the partnership of the student's class."""
    return await record(request, key, body, command_of(ApplyExclusion, body, student_id=student_id))


@router.post(
    "/students/{student_id}/exclusions/revocation",
    responses=ERROR_RESPONSES,
    status_code=201,
    response_model=ExclusionRecorded,
    tags=students,
    summary="Revoke the standing exclusion",
)
async def post_revocation(
    student_id: UUID, body: RevocationIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    """ExclusionRevoked: the student counts in outcome figures again."""
    return await record(request, key, body, command_of(RevokeExclusion, body, student_id=student_id))


@router.get("/exclusions", response_model=Page[ExclusionOut], tags=students, summary="List exclusions")
async def get_exclusions(
    request: Request,
    student_id: UUID | None = None,
    partnership_id: UUID | None = None,
    standing: bool | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[ExclusionOut]:
    filters = {"student_id": student_id, "partnership_id": partnership_id, "standing": standing}
    return await listed(request, ExclusionOut, EXCLUSION_LIST, filters, cursor, limit)
