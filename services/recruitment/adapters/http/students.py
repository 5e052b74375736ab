"""Routes for applications, decisions, enrolments, students and exclusions."""

from __future__ import annotations

from enum import Enum
from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from services.recruitment.adapters.db import students as rows
from services.recruitment.adapters.db.exclusions import EXCLUSION_LIST
from services.recruitment.adapters.db.students import APPLICATION_LIST, ENROLMENT_LIST, STUDENT_LIST
from services.recruitment.adapters.db.timeline import events_of_student
from services.recruitment.adapters.http.common import (
    NOT_FOUND,
    Cursor,
    Limit,
    command_of,
    listed,
    one,
    record,
    state_of,
)
from services.recruitment.adapters.http.views import (
    ApplicationOut,
    ApplicationRecorded,
    EnrolmentOut,
    EnrolmentRecorded,
    StudentFound,
    StudentListed,
    StudentOut,
    TimelineEntry,
)
from services.recruitment.commands import (
    CancelEnrolment,
    DecideApplication,
    EnrolStudent,
    SignEmploymentIntent,
    SubmitApplication,
)
from services.recruitment.commands.students import (
    ApplicationIn,
    CancellationIn,
    DecisionIn,
    EnrolmentIn,
    IntentIn,
    NationalIdIn,
)
from services.recruitment.domain.identity import masked_name
from shared.web.errors import ERROR_RESPONSES, NotFound
from shared.web.pagination import Page
from shared.web.routes import IdempotencyKey
from shared.web.runtime import runtime_of

router = APIRouter()
applicants: list[str | Enum] = ["applications"]
students: list[str | Enum] = ["students"]
ApplicationStatus = Literal["undecided", "waitlisted", "admitted", "rejected", "enrolled", "cancelled"]


@router.post(
    "/applications",
    responses=ERROR_RESPONSES,
    status_code=201,
    response_model=ApplicationRecorded,
    tags=applicants,
    summary="Submit an application",
)
async def post_application(body: ApplicationIn, request: Request, key: IdempotencyKey = None) -> JSONResponse:
    """ApplicationSubmitted. The applicant's personal data is sealed here and never leaves the service: the event
    carries the pseudonymous student_id (the same for every application with one national ID), the home region and
    the poor-household flag with how it was verified. One open application per student and class (409)."""
    return await record(request, key, body, command_of(SubmitApplication, body))


@router.get("/applications", response_model=Page[ApplicationOut], tags=applicants, summary="List applications")
async def get_applications(
    request: Request,
    class_id: UUID | None = None,
    student_id: UUID | None = None,
    partnership_id: UUID | None = None,
    status: ApplicationStatus | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[ApplicationOut]:
    filters = {"class_id": class_id, "student_id": student_id, "partnership_id": partnership_id, "status": status}
    return await listed(request, ApplicationOut, APPLICATION_LIST, filters, cursor, limit)


@router.get(
    "/applications/{application_id}",
    responses=NOT_FOUND,
    response_model=ApplicationOut,
    tags=applicants,
    summary="One application",
)
async def get_application(application_id: UUID, request: Request) -> ApplicationOut:
    return await one(request, ApplicationOut, APPLICATION_LIST, application_id, "application")


@router.post(
    "/applications/{application_id}/decisions",
    responses=ERROR_RESPONSES,
    status_code=201,
    response_model=ApplicationRecorded,
    tags=applicants,
    summary="Decide an application",
)
async def post_decision(
    application_id: UUID, body: DecisionIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    """ApplicationDecided. Decide again while not enrolled; the latest by occurred_on, recorded_at, id wins."""
    return await record(request, key, body, command_of(DecideApplication, body, application_id=application_id))


@router.post(
    "/applications/{application_id}/enrolment",
    responses=ERROR_RESPONSES,
    status_code=201,
    response_model=EnrolmentRecorded,
    tags=applicants,
    summary="Enrol an admitted applicant",
)
async def post_enrolment(
    application_id: UUID, body: EnrolmentIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    """StudentEnrolled, only for an application whose latest decision is admitted (409 otherwise), into an open class
    with a free seat, for a student not enrolled elsewhere. The enrolment id is the event id."""
    return await record(request, key, body, command_of(EnrolStudent, body, application_id=application_id))


@router.get("/enrolments", response_model=Page[EnrolmentOut], tags=applicants, summary="List enrolments")
async def get_enrolments(
    request: Request,
    class_id: UUID | None = None,
    student_id: UUID | None = None,
    partnership_id: UUID | None = None,
    status: Literal["enrolled", "cancelled"] | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[EnrolmentOut]:
    filters = {"class_id": class_id, "student_id": student_id, "partnership_id": partnership_id, "status": status}
    return await listed(request, EnrolmentOut, ENROLMENT_LIST, filters, cursor, limit)


@router.get(
    "/enrolments/{enrolment_id}",
    responses=NOT_FOUND,
    response_model=EnrolmentOut,
    tags=applicants,
    summary="One enrolment",
)
async def get_enrolment(enrolment_id: UUID, request: Request) -> EnrolmentOut:
    return await one(request, EnrolmentOut, ENROLMENT_LIST, enrolment_id, "enrolment")


@router.post(
    "/students/lookup",
    responses=NOT_FOUND,
    response_model=StudentFound,
    tags=students,
    summary="Find a student by national ID",
)
async def post_lookup(body: NationalIdIn, request: Request) -> StudentFound:
    """Only the pseudonymous student_id comes back; the national ID is compared by its keyed digest."""
    async with runtime_of(request).pool.acquire() as conn:
        student_id = await rows.student_with_digest(conn, state_of(request).vault.digest(body.national_id))
    if student_id is None:
        raise NotFound("no student has this national ID")
    return StudentFound(student_id=student_id)


@router.get("/students", response_model=Page[StudentListed], tags=students, summary="List students")
async def get_students(
    request: Request, home_region: str | None = None, cursor: Cursor = None, limit: Limit = 50
) -> Page[StudentListed]:
    return await listed(request, StudentListed, STUDENT_LIST, {"home_region": home_region}, cursor, limit)


@router.get(
    "/students/{student_id}",
    responses=NOT_FOUND,
    response_model=StudentOut,
    tags=students,
    summary="One student, name masked",
)
async def get_student(student_id: UUID, request: Request) -> StudentOut:
    """No national ID and no household registration; the name is masked."""
    async with runtime_of(request).pool.acquire() as conn:
        row = await rows.sealed_name(conn, student_id)
        if row is None:
            raise NotFound(f"no student {student_id}")
        enrolment = await conn.fetchrow(
            f"SELECT * FROM ({ENROLMENT_LIST}) AS e WHERE student_id = $1 AND status = 'enrolled'", student_id
        )
        excluded = await conn.fetchval(
            f"SELECT EXISTS (SELECT 1 FROM ({EXCLUSION_LIST}) AS x WHERE student_id = $1 AND standing)", student_id
        )
    name = state_of(request).vault.open(student_id, "name", bytes(row["name_sealed"]))
    return StudentOut(
        student_id=student_id,
        home_region=row["home_region"],
        created_at=row["created_at"],
        masked_name=masked_name(name),
        enrolment=None if enrolment is None else EnrolmentOut.model_validate(dict(enrolment)),
        excluded=excluded,
    )


@router.get(
    "/students/{student_id}/timeline",
    responses=NOT_FOUND,
    response_model=Page[TimelineEntry],
    tags=students,
    summary="The student's events in this stage, in order",
)
async def get_timeline(
    student_id: UUID, request: Request, cursor: Cursor = None, limit: Limit = 100
) -> Page[TimelineEntry]:
    """Every event recorded about the student here (corrections and retractions included), in the order recorded."""
    async with runtime_of(request).pool.acquire() as conn:
        if await rows.sealed_name(conn, student_id) is None:
            raise NotFound(f"no student {student_id}")
        events, next_cursor = await events_of_student(conn, student_id, cursor, limit)
    items = [
        TimelineEntry.model_validate({**e.model_dump(exclude={"id", "data"}), "event_id": e.id, "data": e.data_json()})
        for e in events
    ]
    return Page[TimelineEntry](items=items, next_cursor=next_cursor)


@router.post(
    "/students/{student_id}/cancellation",
    responses=ERROR_RESPONSES,
    status_code=201,
    response_model=EnrolmentRecorded,
    tags=students,
    summary="Cancel the student's enrolment",
)
async def post_cancellation(
    student_id: UUID, body: CancellationIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    """EnrollmentCancelled: the enrolment is void and counts nowhere; a student not enrolled gets a 409."""
    return await record(request, key, body, command_of(CancelEnrolment, body, student_id=student_id))


@router.post(
    "/students/{student_id}/employment-intent",
    responses=ERROR_RESPONSES,
    status_code=201,
    response_model=EnrolmentRecorded,
    tags=students,
    summary="The student signs the hiring commitment",
)
async def post_intent(student_id: UUID, body: IntentIn, request: Request, key: IdempotencyKey = None) -> JSONResponse:
    """EmploymentIntentSigned, once per enrolment, with an enterprise."""
    return await record(request, key, body, command_of(SignEmploymentIntent, body, student_id=student_id))
