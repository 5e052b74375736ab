"""Command routes: one row per command; the body builds the command from the path's ids and the shared route
submits it to the pipeline (shared/web/routes.py).

Every command runs in one transaction with its outbox row and its Idempotency-Key answer (shared/web/commands.py).
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from services.training.adapters.http import schemas
from services.training.adapters.http.views import FactRecorded
from shared.web.problems import ERROR_RESPONSES
from shared.web.routes import command_route

# (path, body, name, tag, summary): each answers 201 with the FactRecorded; `name` is the route's operation id.
ROUTES: list[tuple[str, type[BaseModel], str, str, str]] = [
    (
        "/classes/{class_id}/plans",
        schemas.PlanIn,
        "post_plan",
        "teaching",
        "Agree the class's training plan (TrainingPlanAgreed)",
    ),
    (
        "/classes/{class_id}/hours-logs",
        schemas.HoursLogIn,
        "post_hours_log",
        "teaching",
        "Log hours taught to the class by school or enterprise staff (TrainingHoursLogged)",
    ),
    (
        "/hours-logs/{log_id}/verifications",
        schemas.VerificationIn,
        "post_verification",
        "teaching",
        "Verify a log's hours; the verifier must not be the logger (TrainingHoursVerified)",
    ),
    (
        "/students/{student_id}/progress-reviews",
        schemas.ProgressReviewIn,
        "post_progress_review",
        "learners",
        "Review progress (ProgressReviewHeld)",
    ),
    (
        "/students/{student_id}/breaks",
        schemas.BreakIn,
        "post_break",
        "learners",
        "Start a break: active -> on_break (BreakStarted)",
    ),
    (
        "/students/{student_id}/breaks/current/end",
        schemas.BreakEndIn,
        "post_break_end",
        "learners",
        "End the break (BreakEnded)",
    ),
    (
        "/students/{student_id}/transfers",
        schemas.TransferIn,
        "post_transfer",
        "learners",
        "Move an active student to another class, of this or another partnership (TransferredToClass)",
    ),
    (
        "/students/{student_id}/restarts",
        schemas.RestartIn,
        "post_restart",
        "learners",
        "Restart: withdrawn -> active (Restarted)",
    ),
    (
        "/students/{student_id}/withdrawal",
        schemas.WithdrawalIn,
        "post_withdrawal",
        "learners",
        "Withdraw: active or on_break -> withdrawn; a second exit is 409 (Withdrawn)",
    ),
    (
        "/students/{student_id}/graduation",
        schemas.GraduationIn,
        "post_graduation",
        "learners",
        "Graduate: active -> graduated (final); a second exit is 409 (Graduated)",
    ),
    (
        "/students/{student_id}/internships",
        schemas.InternshipIn,
        "post_internship",
        "learners",
        "Start an internship (InternshipStarted)",
    ),
    (
        "/students/{student_id}/internships/{internship_id}/end",
        schemas.InternshipEndIn,
        "post_internship_end",
        "learners",
        "End an internship, completed or early (InternshipEnded)",
    ),
    (
        "/students/{student_id}/certificates",
        schemas.CertificateIn,
        "post_certificate",
        "learners",
        "Award a certificate: name, skill level, issuer (CertificateAwarded)",
    ),
]


def commands_router() -> APIRouter:
    router = APIRouter(responses=ERROR_RESPONSES)
    for path, body, name, tag, summary in ROUTES:
        command_route(
            router, path, body, name=name, status_code=201, response_model=FactRecorded, tags=[tag], summary=summary
        )
    return router
