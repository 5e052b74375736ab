"""Command routes: build the command and hand it to the pipeline (shared/web/commands.py), nothing else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID, uuid4

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from services.employment.adapters.http import schemas
from services.employment.adapters.http.views import FactAnswer
from shared.web.commands import IdempotencyKey, submit
from shared.web.problems import ERROR_RESPONSES

router = APIRouter(tags=["commands"], responses=ERROR_RESPONSES)
_HELD: dict[int | str, dict[str, Any]] = {
    202: {
        "model": FactAnswer,
        "description": "Held: the student's graduation has not reached employment yet. The fact is stored and"
        " applied in order when the Graduated event arrives, or rejected if a Withdrawn arrives instead. A check or"
        " an end of a held placement is held in turn and applied after it.",
    }
}


def _post(path: str, summary: str, *, may_hold: bool = False, description: str | None = None) -> Callable[..., Any]:
    return router.post(
        path,
        status_code=201,
        response_model=FactAnswer,
        responses=_HELD if may_hold else None,
        response_description="Recorded: the event is in the outbox",
        summary=summary,
        description=description,
    )


@_post("/students/{student_id}/offers", "Record a job offer (JobOffered)", may_hold=True)
async def post_offer(
    student_id: UUID, body: schemas.OfferIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    return await submit(request, body.command(student_id, uuid4()), key=key, body=body)


@_post(
    "/offers/{offer_id}/answer",
    "Record the student's answer to an offer (OfferAccepted or OfferDeclined); a second answer is a 409",
    may_hold=True,
)
async def post_answer(
    offer_id: UUID, body: schemas.AnswerIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    return await submit(request, body.command(offer_id), key=key, body=body)


@_post(
    "/students/{student_id}/placements",
    "Record a placement (Placed); sponsor/partner/other is decided by the employer's credit code",
    may_hold=True,
    description="A later job needs no EmploymentEnded of the earlier one (employers rarely report an end);"
    " a student who withdrew gets none (409).",
)
async def post_placement(
    student_id: UUID, body: schemas.PlacementIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    return await submit(request, body.command(student_id, uuid4()), key=key, body=body)


@_post(
    "/students/{student_id}/further-study",
    "Record that a graduate entered further study (FurtherStudyEntered)",
    may_hold=True,
)
async def post_further_study(
    student_id: UUID, body: schemas.FurtherStudyIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    return await submit(request, body.command(student_id, uuid4()), key=key, body=body)


@_post(
    "/placements/{placement_id}/retention-checks",
    "Record a retention check at one of the partnership's check-points (RetentionChecked)",
    may_hold=True,
    description="`evidence` is the check's method; conflicting checks are resolved by assessment"
    " (stronger evidence, then the latest).",
)
async def post_retention_check(
    placement_id: UUID, body: schemas.RetentionCheckIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    return await submit(request, body.command(placement_id), key=key, body=body)


@_post("/placements/{placement_id}/end", "Record that a placement ended (EmploymentEnded)", may_hold=True)
async def post_employment_ended(
    placement_id: UUID, body: schemas.EmploymentEndedIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    return await submit(request, body.command(placement_id), key=key, body=body)


@_post(
    "/students/{student_id}/household-status",
    "Record the student's household poverty status from occurred_on (HouseholdStatusUpdated)",
)
async def post_household_status(
    student_id: UUID, body: schemas.HouseholdStatusIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    return await submit(request, body.command(student_id), key=key, body=body)
