"""Read routes for students, their timelines, held facts and what employment knows of partnerships."""

from __future__ import annotations

import json
from typing import Annotated, Literal
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Query

from services.employment.adapters.db import queries
from services.employment.adapters.db.visibility import STUDENTS_PARTNERSHIPS, readable
from services.employment.adapters.http.reading import Conn, Cursor, Limit, Listing, listing
from services.employment.adapters.http.views import (
    HeldFactOut,
    PartnerOut,
    PartnershipOut,
    SponsoredClassOut,
    StudentOut,
    TimelineEntry,
)
from services.employment.domain.errors import Unknown
from services.employment.domain.student import EmploymentStatus
from services.employment.domain.training import TrainingStatus
from shared.security.reading import EVERYTHING, Visible
from shared.web.pagination import Page
from shared.web.problems import NOT_FOUND
from shared.web.read_scopes import PARTNERSHIP_READABLE, Visibility, student_readable

router = APIRouter(responses=NOT_FOUND)


class StudentQuery(Listing):
    partnership_id: UUID | None = None
    class_id: UUID | None = None
    training_status: TrainingStatus | None = None
    employment_status: EmploymentStatus | None = None


class HeldQuery(Listing):
    student_id: UUID | None = None
    status: Literal["held", "applied", "rejected"] | None = None
    kind: str | None = None


@router.get("/students", tags=["students"], summary="Students employment knows of")
async def list_students(conn: Conn, seen: Visibility, query: Annotated[StudentQuery, Query()]) -> Page[StudentOut]:
    return await listing(
        conn,
        seen,
        "students",
        query,
        StudentOut,
        filters=query.filters("s."),
        alias="s",
        columns=queries.STUDENT_COLUMNS,
        seq="s.seq",
    )


async def _student_row(conn: asyncpg.Connection, student_id: UUID, seen: Visible = EVERYTHING) -> asyncpg.Record:
    row = await queries.student(conn, student_id)
    if row is None or not seen.includes(row["partnership_id"]):
        raise Unknown(f"employment has not learned of student {student_id} from enrolment or training events")
    return row


@router.get(
    "/students/{student_id}",
    tags=["students"],
    summary="Where the student stands: training status learned from events, employment status from facts here",
)
async def get_student(student_id: UUID, conn: Conn, seen: Visibility) -> StudentOut:
    return StudentOut.model_validate(dict(await _student_row(conn, student_id, seen)))


@router.get(
    "/students/{student_id}/timeline",
    tags=["students"],
    summary="The student's employment events, in the order this service recorded them",
    dependencies=[student_readable(STUDENTS_PARTNERSHIPS)],
)
async def get_timeline(student_id: UUID, conn: Conn, cursor: Cursor = None, limit: Limit = 100) -> Page[TimelineEntry]:
    await _student_row(conn, student_id)
    entries, after = await queries.timeline(conn, student_id, cursor, limit)
    return Page(items=[TimelineEntry.model_validate(e) for e in entries], next_cursor=after)


def _held(row: asyncpg.Record) -> HeldFactOut:
    return HeldFactOut.model_validate({**dict(row), "command": json.loads(row["command"])})


@router.get(
    "/held-facts",
    tags=["held facts"],
    summary="Facts held until a graduation arrives, and what became of them (applied or rejected)",
)
async def list_held_facts(conn: Conn, seen: Visibility, query: Annotated[HeldQuery, Query()]) -> Page[HeldFactOut]:
    filters = {**query.filters(), **readable(seen, "held_facts")}
    rows, after = await queries.page(conn, "held_facts", filters, query.cursor, query.limit)
    return Page(items=[_held(r) for r in rows], next_cursor=after)


@router.get("/held-facts/{held_id}", tags=["held facts"], summary="One held fact")
async def get_held_fact(held_id: UUID, conn: Conn, seen: Visibility) -> HeldFactOut:
    row = await queries.one(conn, "held_facts", "held_id", held_id, live=False)
    student = None if row is None or seen.everything else await queries.student(conn, row["student_id"])
    if row is None or not (seen.everything or (student is not None and seen.includes(student["partnership_id"]))):
        raise Unknown(f"no held fact {held_id}")
    return _held(row)


@router.get(
    "/partnerships",
    tags=["partnerships"],
    summary="Partnerships employment heard of, with their retention check-points",
)
async def list_partnerships(conn: Conn, seen: Visibility, query: Annotated[Listing, Query()]) -> Page[PartnershipOut]:
    return await listing(conn, seen, "partnerships", query, PartnershipOut)


@router.get(
    "/partnerships/{partnership_id}",
    tags=["partnerships"],
    summary="Check-points, class sponsors and partner enterprises, as learned from partnership events",
    dependencies=[PARTNERSHIP_READABLE],
)
async def get_partnership(partnership_id: UUID, conn: Conn) -> PartnershipOut:
    found = await queries.partnership(conn, partnership_id)
    if found is None:
        raise Unknown(f"employment has not heard of partnership {partnership_id}")
    row, classes, partners = found
    return PartnershipOut(
        partnership_id=partnership_id,
        retention_checkpoints=row["retention_checkpoints"],
        classes=[SponsoredClassOut.model_validate(dict(c)) for c in classes],
        partner_enterprises=[PartnerOut.model_validate(dict(p)) for p in partners],
    )
