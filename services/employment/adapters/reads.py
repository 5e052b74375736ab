"""Read routes for students, their timelines, held facts and what employment knows of partnerships."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated, cast
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Depends, Query, Request

from services.employment.adapters.queries import STUDENT_COLUMNS, page, timeline
from services.employment.adapters.views import (
    HeldFactOut,
    PartnerOut,
    PartnershipOut,
    SponsoredClassOut,
    StudentOut,
    TimelineEntry,
)
from services.employment.domain.student import EmploymentStatus
from services.employment.domain.training import TrainingStatus
from shared.web.errors import ERROR_RESPONSES, NotFound
from shared.web.pagination import Page
from shared.web.runtime import runtime_of

router = APIRouter(responses={404: ERROR_RESPONSES[404]})


async def _connection(request: Request) -> AsyncIterator[asyncpg.Connection]:
    async with runtime_of(request).pool.acquire() as conn:
        yield cast(asyncpg.Connection, conn)  # a pool's proxy forwards every Connection method


Conn = Annotated[asyncpg.Connection, Depends(_connection)]
Cursor = Annotated[str | None, Query(description="next_cursor of the previous page")]
Limit = Annotated[int, Query(ge=1, le=500)]


@router.get("/students", response_model=Page[StudentOut], tags=["students"], summary="Students employment knows of")
async def list_students(
    conn: Conn,
    partnership_id: UUID | None = None,
    class_id: UUID | None = None,
    training_status: TrainingStatus | None = None,
    employment_status: EmploymentStatus | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[StudentOut]:
    filters = {
        "s.partnership_id": partnership_id,
        "s.class_id": class_id,
        "s.training_status": training_status,
        "s.employment_status": employment_status,
    }
    rows, after = await page(conn, "students s", filters, cursor, limit, columns=STUDENT_COLUMNS, seq="s.seq")
    return Page(items=[StudentOut.model_validate(dict(r)) for r in rows], next_cursor=after)


async def _student_row(conn: asyncpg.Connection, student_id: UUID) -> asyncpg.Record:
    row = await conn.fetchrow(f"SELECT {STUDENT_COLUMNS} FROM students s WHERE s.student_id = $1", student_id)
    if row is None:
        raise NotFound(f"employment has not learned of student {student_id} from enrolment or training events")
    return row


@router.get(
    "/students/{student_id}",
    response_model=StudentOut,
    tags=["students"],
    summary="Where the student stands: training status learned from events, employment status from facts here",
)
async def get_student(student_id: UUID, conn: Conn) -> StudentOut:
    return StudentOut.model_validate(dict(await _student_row(conn, student_id)))


@router.get(
    "/students/{student_id}/timeline",
    response_model=Page[TimelineEntry],
    tags=["students"],
    summary="The student's employment events, in the order this service recorded them",
)
async def get_timeline(student_id: UUID, conn: Conn, cursor: Cursor = None, limit: Limit = 100) -> Page[TimelineEntry]:
    await _student_row(conn, student_id)
    entries, after = await timeline(conn, student_id, cursor, limit)
    return Page(items=[TimelineEntry.model_validate(e) for e in entries], next_cursor=after)


@router.get(
    "/held-facts",
    response_model=Page[HeldFactOut],
    tags=["held facts"],
    summary="Facts held until a graduation arrives, and what became of them (applied or rejected)",
)
async def list_held_facts(
    conn: Conn,
    student_id: UUID | None = None,
    status: Annotated[str | None, Query(pattern="^(held|applied|rejected)$")] = None,
    kind: str | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[HeldFactOut]:
    rows, after = await page(
        conn, "held_facts", {"student_id": student_id, "status": status, "kind": kind}, cursor, limit
    )
    return Page(items=[_held(r) for r in rows], next_cursor=after)


def _held(row: asyncpg.Record) -> HeldFactOut:
    return HeldFactOut.model_validate({**dict(row), "command": json.loads(row["command"])})


@router.get("/held-facts/{held_id}", response_model=HeldFactOut, tags=["held facts"], summary="One held fact")
async def get_held_fact(held_id: UUID, conn: Conn) -> HeldFactOut:
    row = await conn.fetchrow("SELECT * FROM held_facts WHERE held_id = $1", held_id)
    if row is None:
        raise NotFound(f"no held fact {held_id}")
    return _held(row)


@router.get(
    "/partnerships",
    response_model=Page[PartnershipOut],
    tags=["partnerships"],
    summary="Partnerships employment heard of, with their retention check-points",
)
async def list_partnerships(conn: Conn, cursor: Cursor = None, limit: Limit = 50) -> Page[PartnershipOut]:
    rows, after = await page(conn, "partnerships", {}, cursor, limit)
    items = [
        PartnershipOut(partnership_id=r["partnership_id"], retention_checkpoints=r["retention_checkpoints"])
        for r in rows
    ]
    return Page(items=items, next_cursor=after)


@router.get(
    "/partnerships/{partnership_id}",
    response_model=PartnershipOut,
    tags=["partnerships"],
    summary="Check-points, class sponsors and partner enterprises, as learned from partnership events",
)
async def get_partnership(partnership_id: UUID, conn: Conn) -> PartnershipOut:
    row = await conn.fetchrow("SELECT * FROM partnerships WHERE partnership_id = $1", partnership_id)
    if row is None:
        raise NotFound(f"employment has not heard of partnership {partnership_id}")
    classes = await conn.fetch("SELECT * FROM classes WHERE partnership_id = $1 ORDER BY class_id", partnership_id)
    partners = await conn.fetch(
        "SELECT * FROM partner_enterprises WHERE partnership_id = $1 ORDER BY party_id", partnership_id
    )
    return PartnershipOut(
        partnership_id=partnership_id,
        retention_checkpoints=row["retention_checkpoints"],
        classes=[SponsoredClassOut.model_validate(dict(c)) for c in classes],
        partner_enterprises=[PartnerOut.model_validate(dict(p)) for p in partners],
    )
