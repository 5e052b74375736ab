"""Routes for applications, decisions, enrolments, students, cancellations and employment intents."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from fastapi import Request

from services.recruitment.adapters.db import Conn
from services.recruitment.adapters.db import students as rows
from services.recruitment.adapters.db.students import APPLICATION_LIST, ENROLMENT_LIST, STUDENT_LIST
from services.recruitment.adapters.db.timeline import events_of_student
from services.recruitment.adapters.db.visibility import STUDENTS_PARTNERSHIPS
from services.recruitment.adapters.http.common import CommandRoute, Cursor, Limit, ListRoute, OneRoute, routes
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
from services.recruitment.application.commands.students import (
    ApplicationIn,
    CancelEnrolment,
    CancellationIn,
    DecideApplication,
    DecisionIn,
    EnrolmentIn,
    EnrolStudent,
    IntentIn,
    NationalIdIn,
    SignEmploymentIntent,
    SubmitApplication,
)
from services.recruitment.domain.errors import UnknownRecord
from services.recruitment.domain.identity import masked_name
from shared.web.pagination import Page
from shared.web.problems import NOT_FOUND
from shared.web.rate_limits import rate_limited
from shared.web.read_scopes import PersonalData, student_readable, student_visible
from shared.web.runtime import runtime_of

APPLICANTS = ("applications",)
STUDENTS = ("students",)
_A_STUDENT: dict[str, Any] = {"responses": NOT_FOUND, "tags": ["students"]}
ApplicationStatus = Literal["undecided", "waitlisted", "admitted", "rejected", "enrolled", "cancelled"]

router = routes(
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
    ListRoute(
        "/applications", "get_applications", ApplicationOut, APPLICATION_LIST, "List applications", APPLICANTS,
        {"class_id": UUID, "student_id": UUID, "partnership_id": UUID, "status": ApplicationStatus},
    ),
    OneRoute(
        "/applications/{application_id}", "get_application", ApplicationOut, APPLICATION_LIST, "application",
        "One application", APPLICANTS,
    ),
    ListRoute(
        "/enrolments", "get_enrolments", EnrolmentOut, ENROLMENT_LIST, "List enrolments", APPLICANTS,
        {"class_id": UUID, "student_id": UUID, "partnership_id": UUID, "status": Literal["enrolled", "cancelled"]},
    ),
    OneRoute(
        "/enrolments/{enrolment_id}", "get_enrolment", EnrolmentOut, ENROLMENT_LIST, "enrolment", "One enrolment",
        APPLICANTS,
    ),
    ListRoute(
        "/students", "get_students", StudentListed, STUDENT_LIST, "List students", STUDENTS, {"home_region": str}
    ),
)  # fmt: skip


@router.post(
    "/students/lookup",
    response_model=StudentFound,
    summary="Find a student by national ID (the personal_data scope; rate-limited per client)",
    dependencies=[rate_limited("lookup")],
    **_A_STUDENT,
)
async def post_lookup(body: NationalIdIn, request: Request, _: PersonalData) -> StudentFound:
    """Only the pseudonymous student_id comes back; the national ID is compared by its keyed digest."""
    runtime = runtime_of(request)
    digest = vault_for(runtime.settings.national_id_key).digest(body.national_id)
    async with runtime.pool.acquire() as conn:
        student_id = await rows.student_with_digest(conn, digest)
    if student_id is None or not await student_visible(request, student_id, STUDENTS_PARTNERSHIPS):
        raise UnknownRecord("no student has this national ID")
    return StudentFound(student_id=student_id)


@router.get(
    "/students/{student_id}",
    response_model=StudentOut,
    summary="One student, name masked",
    dependencies=[student_readable(STUDENTS_PARTNERSHIPS)],
    **_A_STUDENT,
)
async def get_student(student_id: UUID, request: Request, _: PersonalData) -> StudentOut:
    """No national ID and no household registration; the name is masked."""
    runtime = runtime_of(request)
    async with runtime.pool.acquire() as conn:
        row = await _known(conn, student_id)
        enrolment, excluded = await rows.standing_of(conn, student_id)
    name = vault_for(runtime.settings.national_id_key).open(student_id, "name", bytes(row["name_sealed"]))
    return StudentOut(
        **{column: row[column] for column in ("student_id", "home_region", "created_at")},
        masked_name=masked_name(name),
        enrolment=None if enrolment is None else EnrolmentOut.model_validate(dict(enrolment)),
        excluded=excluded,
    )


@router.get(
    "/students/{student_id}/timeline",
    response_model=Page[TimelineEntry],
    summary="The student's events in this stage, in order",
    dependencies=[student_readable(STUDENTS_PARTNERSHIPS)],
    **_A_STUDENT,
)
async def get_timeline(
    student_id: UUID, request: Request, cursor: Cursor = None, limit: Limit = 100
) -> Page[TimelineEntry]:
    """Every event recorded about the student here (corrections and retractions included), in the order recorded."""
    async with runtime_of(request).pool.acquire() as conn:
        await _known(conn, student_id)
        events, next_cursor = await events_of_student(conn, student_id, cursor, limit)
    items = [
        TimelineEntry.model_validate({**e.model_dump(exclude={"id", "data"}), "event_id": e.id, "data": e.data_json()})
        for e in events
    ]
    return Page[TimelineEntry](items=items, next_cursor=next_cursor)


async def _known(conn: Conn, student_id: UUID) -> Any:
    row = await rows.sealed_name(conn, student_id)
    if row is None:
        raise UnknownRecord(f"no student {student_id}")
    return row
