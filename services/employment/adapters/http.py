"""Command routes: build a command, run it in one transaction with its Idempotency-Key answer, nothing else."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from services.employment.adapters.schemas import (
    AnswerIn,
    EmploymentEndedIn,
    FurtherStudyIn,
    HouseholdStatusIn,
    OfferIn,
    PlacementIn,
    RetentionCheckIn,
)
from services.employment.adapters.views import Outcome
from services.employment.commands import Command
from services.employment.handlers import handle
from shared.web.clock import now
from shared.web.errors import ERROR_RESPONSES
from shared.web.routes import IdempotencyKey, run_command
from shared.web.unit_of_work import UnitOfWork

router = APIRouter(tags=["commands"])

_APPLIED = "Recorded: the event is in the outbox"
_HELD: dict[int | str, dict[str, Any]] = {
    202: {
        "model": Outcome,
        "description": "Held: the student's graduation has not reached employment yet. The fact is stored and"
        " applied in order when the Graduated event arrives, or rejected if a Withdrawn arrives instead.",
    }
}
_REFUSED: dict[int | str, dict[str, Any]] = ERROR_RESPONSES


async def _run(request: Request, key: str | None, body: BaseModel, cmd: Command) -> JSONResponse:
    async def command(uow: UnitOfWork) -> tuple[int, Any]:
        return (await handle(uow, cmd)).answer()

    return await run_command(request, key, body, command)


@router.post(
    "/students/{student_id}/offers",
    status_code=201,
    response_model=Outcome,
    responses={**_HELD, **_REFUSED},
    response_description=_APPLIED,
    summary="Record a job offer (JobOffered)",
)
async def post_offer(student_id: UUID, body: OfferIn, request: Request, key: IdempotencyKey = None) -> JSONResponse:
    return await _run(request, key, body, body.to_command(student_id, uuid4(), now()))


@router.post(
    "/offers/{offer_id}/answer",
    status_code=201,
    response_model=Outcome,
    responses={**_HELD, **_REFUSED},
    response_description=_APPLIED,
    summary="Record the student's answer to an offer (OfferAccepted or OfferDeclined); a second answer is a 409",
)
async def post_answer(offer_id: UUID, body: AnswerIn, request: Request, key: IdempotencyKey = None) -> JSONResponse:
    return await _run(request, key, body, body.to_command(offer_id, now()))


@router.post(
    "/students/{student_id}/placements",
    status_code=201,
    response_model=Outcome,
    responses={**_HELD, **_REFUSED},
    response_description=_APPLIED,
    summary="Record a placement (Placed); sponsor/partner/other is decided by the employer's credit code",
    description="A graduate who is placed gets a new placement only after EmploymentEnded (a job change);"
    " a student who withdrew gets none (409).",
)
async def post_placement(
    student_id: UUID, body: PlacementIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    return await _run(request, key, body, body.to_command(student_id, uuid4(), now()))


@router.post(
    "/students/{student_id}/further-study",
    status_code=201,
    response_model=Outcome,
    responses={**_HELD, **_REFUSED},
    response_description=_APPLIED,
    summary="Record that a graduate entered further study (FurtherStudyEntered)",
)
async def post_further_study(
    student_id: UUID, body: FurtherStudyIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    return await _run(request, key, body, body.to_command(student_id, uuid4(), now()))


@router.post(
    "/placements/{placement_id}/retention-checks",
    status_code=201,
    response_model=Outcome,
    responses=_REFUSED,
    response_description=_APPLIED,
    summary="Record a retention check at one of the partnership's check-points (RetentionChecked)",
    description="`evidence` is the check's method; conflicting checks are resolved by assessment"
    " (stronger evidence, then the latest).",
)
async def post_retention_check(
    placement_id: UUID, body: RetentionCheckIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    return await _run(request, key, body, body.to_command(placement_id, now()))


@router.post(
    "/placements/{placement_id}/end",
    status_code=201,
    response_model=Outcome,
    responses=_REFUSED,
    response_description=_APPLIED,
    summary="Record that a placement ended (EmploymentEnded)",
)
async def post_employment_ended(
    placement_id: UUID, body: EmploymentEndedIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    return await _run(request, key, body, body.to_command(placement_id, now()))


@router.post(
    "/students/{student_id}/household-status",
    status_code=201,
    response_model=Outcome,
    responses=_REFUSED,
    response_description=_APPLIED,
    summary="Record the student's household poverty status from occurred_on (HouseholdStatusUpdated)",
)
async def post_household_status(
    student_id: UUID, body: HouseholdStatusIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    return await _run(request, key, body, body.to_command(student_id, now()))
