"""Read routes: every resource listed with filters and a cursor, single resources, and a student's timeline."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request

from services.training.adapters.db import reads
from services.training.adapters.db.reads import Filter
from services.training.adapters.db.visibility import STUDENTS_PARTNERSHIPS, kept
from services.training.adapters.http import views
from services.training.domain.errors import Unknown
from services.training.domain.learner import Phase
from services.training.domain.roster import WaitsFor
from shared.contracts.base import TaughtBy
from shared.contracts.training import InternshipOutcome
from shared.persistence.database import pooled
from shared.web.pagination import Page
from shared.web.problems import ERROR_RESPONSES
from shared.web.read_scopes import student_readable, visible
from shared.web.runtime import runtime_of

Cursor = Annotated[str | None, Query(description="next_cursor of the previous page")]
Limit = Annotated[int, Query(ge=1, le=500)]
StudentFilter = Annotated[UUID | None, Query()]
ClassFilter = Annotated[UUID | None, Query()]


async def _page(request: Request, source: str, filters: Sequence[Filter], cursor: str | None, limit: int) -> Any:
    """Rows of the partnerships the caller reads, filtered."""
    readable: Filter = (kept(source), (await visible(request)).restriction())
    async with pooled(runtime_of(request).pool) as conn:
        rows, next_cursor = await reads.page(conn, source, [*filters, readable], cursor, limit)
    items = [reads.plan_row(row) if source == "plans" else dict(row) for row in rows]
    return {"items": items, "next_cursor": next_cursor}


async def list_classes(
    request: Request,
    partnership_id: UUID | None = None,
    is_open: Annotated[bool | None, Query(alias="open", description="true: not closed; false: closed")] = None,
    cursor: Cursor = None,
    limit: Limit = 100,
) -> Any:
    filters = [("partnership_id = {}", partnership_id), ("(closed_on IS NULL) = {}", is_open)]
    return await _page(request, "classes", filters, cursor, limit)


async def get_class(class_id: UUID, request: Request) -> Any:
    async with pooled(runtime_of(request).pool) as conn:
        detail = await reads.class_detail(conn, class_id)
    if detail is None or not (await visible(request)).includes(detail["partnership_id"]):
        raise Unknown(f"training has not learned of class {class_id}")
    return detail


async def list_plans(request: Request, class_id: ClassFilter = None, cursor: Cursor = None, limit: Limit = 100) -> Any:
    return await _page(request, "plans", [("class_id = {}", class_id)], cursor, limit)


async def list_hours_logs(
    request: Request,
    class_id: ClassFilter = None,
    taught_by: TaughtBy | None = None,
    verified: bool | None = None,
    cursor: Cursor = None,
    limit: Limit = 100,
) -> Any:
    filters: list[Filter] = [
        ("class_id = {}", class_id),
        ("taught_by = {}", taught_by.value if taught_by else None),
        ("(hours_accepted IS NOT NULL) = {}", verified),
    ]
    return await _page(request, "verified_hours_logs", filters, cursor, limit)


async def get_hours_log(log_id: UUID, request: Request) -> Any:
    page = await _page(request, "verified_hours_logs", [("log_id = {}", log_id)], None, 1)
    if not page["items"]:
        raise Unknown(f"no hours log {log_id}")
    return page["items"][0]


async def list_students(
    request: Request,
    partnership_id: UUID | None = None,
    class_id: ClassFilter = None,
    phase: Phase | None = None,
    cursor: Cursor = None,
    limit: Limit = 100,
) -> Any:
    filters: list[Filter] = [
        ("partnership_id = {}", partnership_id),
        ("class_id = {}", class_id),
        ("phase = {}", phase.value if phase else None),
    ]
    return await _page(request, "learners", filters, cursor, limit)


async def get_student(student_id: UUID, request: Request) -> Any:
    page = await _page(request, "learners", [("student_id = {}", student_id)], None, 1)
    if not page["items"]:
        raise Unknown(f"training has not learned of student {student_id}")
    return page["items"][0]


async def get_timeline(student_id: UUID, request: Request, cursor: Cursor = None, limit: Limit = 100) -> Any:
    async with pooled(runtime_of(request).pool) as conn:
        if not await reads.knows_student(conn, student_id):
            raise Unknown(f"training has not learned of student {student_id}")
        entries, next_cursor = await reads.timeline(conn, student_id, cursor, limit)
    return {"items": entries, "next_cursor": next_cursor}


def _student_records(source: str) -> Callable[..., Awaitable[Any]]:
    async def list_records(
        request: Request,
        student_id: StudentFilter = None,
        class_id: ClassFilter = None,
        retracted: bool | None = None,
        cursor: Cursor = None,
        limit: Limit = 100,
    ) -> Any:
        filters = [("student_id = {}", student_id), ("class_id = {}", class_id), ("retracted = {}", retracted)]
        return await _page(request, source, filters, cursor, limit)

    return list_records


async def list_internships(
    request: Request,
    student_id: StudentFilter = None,
    class_id: ClassFilter = None,
    outcome: InternshipOutcome | None = None,
    cursor: Cursor = None,
    limit: Limit = 100,
) -> Any:
    filters: list[Filter] = [
        ("student_id = {}", student_id),
        ("class_id = {}", class_id),
        ("outcome = {}", outcome.value if outcome else None),
    ]
    return await _page(request, "internships", filters, cursor, limit)


async def list_held_facts(
    request: Request, waits_for: WaitsFor | None = None, cursor: Cursor = None, limit: Limit = 100
) -> Any:
    return await _page(
        request, "held_facts", [("waits_for = {}", waits_for.value if waits_for else None)], cursor, limit
    )


def reads_router() -> APIRouter:
    router = APIRouter(responses=ERROR_RESPONSES)
    routes: list[tuple[str, Callable[..., Awaitable[Any]], Any, str, str]] = [
        ("/classes", list_classes, Page[views.ClassOut], "classes", "Classes learned from ClassOpened events"),
        ("/classes/{class_id}", get_class, views.ClassDetail, "classes", "A class with its plan and its hours"),
        ("/plans", list_plans, Page[views.PlanOut], "teaching", "Training plans agreed"),
        ("/hours-logs", list_hours_logs, Page[views.HoursLogOut], "teaching", "Hours logs and their verification"),
        ("/hours-logs/{log_id}", get_hours_log, views.HoursLogOut, "teaching", "One hours log"),
        ("/students", list_students, Page[views.LearnerOut], "learners", "Learners learned from StudentEnrolled"),
        ("/students/{student_id}", get_student, views.LearnerOut, "learners", "One learner and their phase"),
        (
            "/students/{student_id}/timeline",
            get_timeline,
            Page[views.TimelineEntry],
            "learners",
            "The student's training events in the order recorded, corrections and retractions included",
        ),
        ("/breaks", _student_records("breaks"), Page[views.BreakOut], "learners", "Breaks (open: no end_on)"),
        ("/internships", list_internships, Page[views.InternshipOut], "learners", "Internships"),
        ("/certificates", _student_records("certificates"), Page[views.CertificateOut], "learners", "Certificates"),
        (
            "/progress-reviews",
            _student_records("progress_reviews"),
            Page[views.ProgressReviewOut],
            "learners",
            "Progress reviews",
        ),
        (
            "/held-facts",
            list_held_facts,
            Page[views.HeldFactOut],
            "operations",
            "Inbound facts waiting for the fact they follow (e.g. an enrolment before its ClassOpened)",
        ),
    ]
    for path, endpoint, model, tag, summary in routes:
        name = path.strip("/").replace("/", "_").replace("{", "").replace("}", "").replace("-", "_")
        router.add_api_route(
            path,
            endpoint,
            methods=["GET"],
            response_model=model,
            tags=[tag],
            summary=summary,
            name=f"get_{name}",
            dependencies=[student_readable(STUDENTS_PARTNERSHIPS)] if path.endswith("/timeline") else None,
        )
    return router
