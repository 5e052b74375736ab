"""Command routes: each builds a command from the path and body and submits it to the pipeline, nothing more.

Every command runs in one transaction with its outbox row and its Idempotency-Key answer (shared/web/commands.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from services.training.adapters.http import schemas
from services.training.adapters.http.views import FactRecorded
from shared.web.commands import IdempotencyKey, submit
from shared.web.problems import ERROR_RESPONSES


async def post_plan(class_id: UUID, body: schemas.PlanIn, request: Request, key: IdempotencyKey = None) -> JSONResponse:
    return await submit(request, body.command(class_id), key=key, body=body)


async def post_hours_log(
    class_id: UUID, body: schemas.HoursLogIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    return await submit(request, body.command(class_id), key=key, body=body)


async def post_verification(
    log_id: UUID, body: schemas.VerificationIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    return await submit(request, body.command(log_id), key=key, body=body)


async def post_progress_review(
    student_id: UUID, body: schemas.ProgressReviewIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    return await submit(request, body.command(student_id), key=key, body=body)


async def post_break(
    student_id: UUID, body: schemas.BreakIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    return await submit(request, body.command(student_id), key=key, body=body)


async def post_break_end(
    student_id: UUID, body: schemas.BreakEndIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    return await submit(request, body.command(student_id), key=key, body=body)


async def post_transfer(
    student_id: UUID, body: schemas.TransferIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    return await submit(request, body.command(student_id), key=key, body=body)


async def post_restart(
    student_id: UUID, body: schemas.RestartIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    return await submit(request, body.command(student_id), key=key, body=body)


async def post_withdrawal(
    student_id: UUID, body: schemas.WithdrawalIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    return await submit(request, body.command(student_id), key=key, body=body)


async def post_graduation(
    student_id: UUID, body: schemas.GraduationIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    return await submit(request, body.command(student_id), key=key, body=body)


async def post_internship(
    student_id: UUID, body: schemas.InternshipIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    return await submit(request, body.command(student_id), key=key, body=body)


async def post_internship_end(
    student_id: UUID, internship_id: UUID, body: schemas.InternshipEndIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    return await submit(request, body.command(student_id, internship_id), key=key, body=body)


async def post_certificate(
    student_id: UUID, body: schemas.CertificateIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    return await submit(request, body.command(student_id), key=key, body=body)


# (path, endpoint, tag, summary): one line per command; each answers 201 with the FactRecorded.
ROUTES: list[tuple[str, Callable[..., Awaitable[JSONResponse]], str, str]] = [
    ("/classes/{class_id}/plans", post_plan, "teaching", "Agree the class's training plan (TrainingPlanAgreed)"),
    (
        "/classes/{class_id}/hours-logs",
        post_hours_log,
        "teaching",
        "Log hours taught to the class by school or enterprise staff (TrainingHoursLogged)",
    ),
    (
        "/hours-logs/{log_id}/verifications",
        post_verification,
        "teaching",
        "Verify a log's hours; the verifier must not be the logger (TrainingHoursVerified)",
    ),
    (
        "/students/{student_id}/progress-reviews",
        post_progress_review,
        "learners",
        "Review progress (ProgressReviewHeld)",
    ),
    ("/students/{student_id}/breaks", post_break, "learners", "Start a break: active -> on_break (BreakStarted)"),
    ("/students/{student_id}/breaks/current/end", post_break_end, "learners", "End the break (BreakEnded)"),
    (
        "/students/{student_id}/transfers",
        post_transfer,
        "learners",
        "Move an active student to another class, of this or another partnership (TransferredToClass)",
    ),
    ("/students/{student_id}/restarts", post_restart, "learners", "Restart: withdrawn -> active (Restarted)"),
    (
        "/students/{student_id}/withdrawal",
        post_withdrawal,
        "learners",
        "Withdraw: active or on_break -> withdrawn; a second exit is 409 (Withdrawn)",
    ),
    (
        "/students/{student_id}/graduation",
        post_graduation,
        "learners",
        "Graduate: active -> graduated (final); a second exit is 409 (Graduated)",
    ),
    ("/students/{student_id}/internships", post_internship, "learners", "Start an internship (InternshipStarted)"),
    (
        "/students/{student_id}/internships/{internship_id}/end",
        post_internship_end,
        "learners",
        "End an internship, completed or early (InternshipEnded)",
    ),
    (
        "/students/{student_id}/certificates",
        post_certificate,
        "learners",
        "Award a certificate: name, skill level, issuer (CertificateAwarded)",
    ),
]


def commands_router() -> APIRouter:
    router = APIRouter(responses=ERROR_RESPONSES)
    for path, endpoint, tag, summary in ROUTES:
        router.add_api_route(
            path,
            endpoint,
            methods=["POST"],
            status_code=201,
            response_model=FactRecorded,
            tags=[tag],
            summary=summary,
        )
    return router
