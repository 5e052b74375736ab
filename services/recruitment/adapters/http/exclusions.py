"""Routes for exclusions: a student leaves, and comes back to, every outcome figure."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request

from services.recruitment.adapters.db.exclusions import EXCLUSION_LIST
from services.recruitment.adapters.http.common import CommandRoute, Cursor, Limit, command_routes, listed
from services.recruitment.adapters.http.schemas import ExclusionOut, ExclusionRecorded
from services.recruitment.application.commands import ApplyExclusion, RevokeExclusion
from services.recruitment.application.commands.students import ExclusionIn, RevocationIn
from shared.web.pagination import Page

STUDENTS = ("students",)
EXCLUSIONS = "/students/{student_id}/exclusions"

router = command_routes(
    CommandRoute(
        EXCLUSIONS, "post_exclusion", ExclusionIn, ApplyExclusion, ExclusionRecorded,
        "Exclude the student from outcome figures",
        "ExclusionApplied (death, long illness, military service), keyed by the partnership of the student's class.",
        STUDENTS,
    ),
    CommandRoute(
        f"{EXCLUSIONS}/revocation", "post_revocation", RevocationIn, RevokeExclusion, ExclusionRecorded,
        "Revoke the standing exclusion", "ExclusionRevoked: the student counts in outcome figures again.", STUDENTS,
    ),
)  # fmt: skip
reads = APIRouter(tags=["students"])


@reads.get("/exclusions", response_model=Page[ExclusionOut], summary="List exclusions")
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
