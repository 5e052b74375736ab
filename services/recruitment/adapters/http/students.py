"""Routes for applications, decisions, enrolments, students, cancellations and employment intents."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Request

from services.recruitment.adapters.db import students as rows
from services.recruitment.adapters.db.exclusions import EXCLUSION_LIST
from services.recruitment.adapters.db.students import APPLICATION_LIST, ENROLMENT_LIST, STUDENT_LIST
from services.recruitment.adapters.db.timeline import events_of_student
from services.recruitment.adapters.http.common import CommandRoute, Cursor, Limit, command_routes, listed, one
from services.recruitment.adapters.http.schemas import (
    ApplicationOut,
    ApplicationRecorded,
    EnrolmentOut,
    EnrolmentRecorded,
    StudentFound,
    StudentListed,
    StudentOut,
    TimelineEntry,
)
from services.recruitment.adapters.vault import vault_for
from services.recruitment.application.commands import (
    CancelEnrolment,
    DecideApplication,
    EnrolStudent,
    SignEmploymentIntent,
    SubmitApplication,
)
from services.recruitment.application.commands.students import (
    ApplicationIn,
    CancellationIn,
    DecisionIn,
    EnrolmentIn,
    IntentIn,
    NationalIdIn,
)
from services.recruitment.domain.errors import UnknownRecord
from services.recruitment.domain.identity import masked_name
from shared.web.pagination import Page
from shared.web.problems import NOT_FOUND
from shared.web.runtime import runtime_of

APPLICANTS = ("applications",)
STUDENTS = ("students",)
ApplicationStatus = Literal["undecided", "waitlisted", "admitted", "rejected", "enrolled", "cancelled"]

router = command_routes(
    CommandRoute(
        "/applications", "post_application", ApplicationIn, SubmitApplication, ApplicationRecorded,
        "Submit an application",
        "ApplicationSubmitted. The applicant's personal data is sealed here and never leaves the service: the event"
        " carries the pseudonymous student_id (the same for every application with one national ID), the home"
        " region and the poor-household flag with how it was verified. One open application per student and class"
        " (409).",
        APPLICANTS,
    ),
    CommandRoute(
        "/applications/{application_id}/decisions", "post_decision", DecisionIn, DecideApplication,
        ApplicationRecorded, "Decide an application",
        "ApplicationDecided. Decide again while not enrolled; the latest by occurred_on, recorded_at, id wins.",
        APPLICANTS,
    ),
    CommandRoute(
        "/applications/{application_id}/enrolment", "post_enrolment", EnrolmentIn, EnrolStudent, EnrolmentRecorded,
        "Enrol an admitted applicant",
        "StudentEnrolled, only for an application whose latest decision is admitted (409 otherwise), into an open"
        " class with a free seat, for a student not enrolled elsewhere. The enrolment id is the event id.",
        APPLICANTS,
    ),
    CommandRoute(
        "/students/{student_id}/cancellation", "post_cancellation", CancellationIn, CancelEnrolment,
        EnrolmentRecorded, "Cancel the student's enrolment",
        "EnrollmentCancelled: the enrolment is void and counts nowhere; a student not enrolled gets a 409.", STUDENTS,
    ),
    CommandRoute(
        "/students/{student_id}/employment-intent", "post_intent", IntentIn, SignEmploymentIntent, EnrolmentRecorded,
        "The student signs the hiring commitment", "EmploymentIntentSigned, once per enrolment, with an enterprise.",
        STUDENTS,
    ),
)  # fmt: skip
reads = APIRouter()


@reads.get("/applications", response_model=Page[ApplicationOut], tags=["applications"], summary="List applications")
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


@reads.get(
    "/applications/{application_id}",
    responses=NOT_FOUND,
    response_model=ApplicationOut,
    tags=["applications"],
    summary="One application",
)
async def get_application(application_id: UUID, request: Request) -> ApplicationOut:
    return await one(request, ApplicationOut, APPLICATION_LIST, application_id, "application")


@reads.get("/enrolments", response_model=Page[EnrolmentOut], tags=["applications"], summary="List enrolments")
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


@reads.get(
    "/enrolments/{enrolment_id}",
    responses=NOT_FOUND,
    response_model=EnrolmentOut,
    tags=["applications"],
    summary="One enrolment",
)
async def get_enrolment(enrolment_id: UUID, request: Request) -> EnrolmentOut:
    return await one(request, EnrolmentOut, ENROLMENT_LIST, enrolment_id, "enrolment")


@reads.post(
    "/students/lookup",
    responses=NOT_FOUND,
    response_model=StudentFound,
    tags=["students"],
    summary="Find a student by national ID",
)
async def post_lookup(body: NationalIdIn, request: Request) -> StudentFound:
    """Only the pseudonymous student_id comes back; the national ID is compared by its keyed digest."""
    runtime = runtime_of(request)
    digest = vault_for(runtime.settings.national_id_key).digest(body.national_id)
    async with runtime.pool.acquire() as conn:
        student_id = await rows.student_with_digest(conn, digest)
    if student_id is None:
        raise UnknownRecord("no student has this national ID")
    return StudentFound(student_id=student_id)


@reads.get("/students", response_model=Page[StudentListed], tags=["students"], summary="List students")
async def get_students(
    request: Request, home_region: str | None = None, cursor: Cursor = None, limit: Limit = 50
) -> Page[StudentListed]:
    return await listed(request, StudentListed, STUDENT_LIST, {"home_region": home_region}, cursor, limit)


@reads.get(
    "/students/{student_id}",
    responses=NOT_FOUND,
    response_model=StudentOut,
    tags=["students"],
    summary="One student, name masked",
)
async def get_student(student_id: UUID, request: Request) -> StudentOut:
    """No national ID and no household registration; the name is masked."""
    runtime = runtime_of(request)
    async with runtime.pool.acquire() as conn:
        row = await rows.sealed_name(conn, student_id)
        if row is None:
            raise UnknownRecord(f"no student {student_id}")
        enrolment = await conn.fetchrow(
            f"SELECT * FROM ({ENROLMENT_LIST}) AS e WHERE student_id = $1 AND status = 'enrolled'", student_id
        )
        excluded = await conn.fetchval(
            f"SELECT EXISTS (SELECT 1 FROM ({EXCLUSION_LIST}) AS x WHERE student_id = $1 AND standing)", student_id
        )
    name = vault_for(runtime.settings.national_id_key).open(student_id, "name", bytes(row["name_sealed"]))
    return StudentOut(
        student_id=student_id,
        home_region=row["home_region"],
        created_at=row["created_at"],
        masked_name=masked_name(name),
        enrolment=None if enrolment is None else EnrolmentOut.model_validate(dict(enrolment)),
        excluded=excluded,
    )


@reads.get(
    "/students/{student_id}/timeline",
    responses=NOT_FOUND,
    response_model=Page[TimelineEntry],
    tags=["students"],
    summary="The student's events in this stage, in order",
)
async def get_timeline(
    student_id: UUID, request: Request, cursor: Cursor = None, limit: Limit = 100
) -> Page[TimelineEntry]:
    """Every event recorded about the student here (corrections and retractions included), in the order recorded."""
    async with runtime_of(request).pool.acquire() as conn:
        if await rows.sealed_name(conn, student_id) is None:
            raise UnknownRecord(f"no student {student_id}")
        events, next_cursor = await events_of_student(conn, student_id, cursor, limit)
    items = [
        TimelineEntry.model_validate({**e.model_dump(exclude={"id", "data"}), "event_id": e.id, "data": e.data_json()})
        for e in events
    ]
    return Page[TimelineEntry](items=items, next_cursor=next_cursor)
