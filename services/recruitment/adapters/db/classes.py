"""Programmes and ordered classes."""

from __future__ import annotations

from uuid import UUID

from services.recruitment.adapters.db import Conn
from services.recruitment.domain.classes import OrderedClass, Programme
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import ClassOpened, ProgrammeRegistered

PROGRAMME_LIST = "SELECT programme_id, partnership_id, name, registered_on, seq FROM programmes WHERE NOT retracted"
CLASS_LIST = (
    "SELECT c.class_id, c.partnership_id, c.programme_id, c.school_id, c.sponsor_id, c.sponsor_credit_code, c.name,"
    " c.major, c.seats, c.cohort_year, c.planned_start, c.planned_end, c.hiring_commitment, c.opened_on, c.closed_on,"
    " CASE WHEN c.closed_on IS NULL THEN 'open' ELSE 'closed' END AS status,"
    " (SELECT count(*) FROM enrolments e WHERE e.class_id = c.class_id AND e.cancelled_on IS NULL"
    "  AND NOT e.retracted) AS enrolled, c.seq"
    " FROM classes c WHERE NOT c.retracted"
)


async def programme(conn: Conn, programme_id: UUID) -> Programme | None:
    row = await conn.fetchrow(
        "SELECT programme_id, partnership_id FROM programmes WHERE programme_id = $1 AND NOT retracted", programme_id
    )
    return None if row is None else Programme(row["programme_id"], row["partnership_id"])


async def add_programme(conn: Conn, envelope: Envelope, registered: ProgrammeRegistered) -> None:
    await conn.execute(
        "INSERT INTO programmes (programme_id, partnership_id, name, registered_on, event_id)"
        " VALUES ($1, $2, $3, $4, $5)",
        registered.programme_id,
        envelope.partnership_id,
        registered.name,
        envelope.occurred_on,
        envelope.id,
    )


async def get(conn: Conn, class_id: UUID, *, lock: bool = False) -> OrderedClass | None:
    """With `lock`, enrolments into one class run one after the other, so seats are never oversold."""
    suffix = " FOR UPDATE" if lock else ""
    row = await conn.fetchrow(
        "SELECT class_id, partnership_id, programme_id, seats, opened_on, closed_on FROM classes"
        f" WHERE class_id = $1 AND NOT retracted{suffix}",
        class_id,
    )
    if row is None:
        return None
    return OrderedClass(
        row["class_id"], row["partnership_id"], row["programme_id"], row["seats"], row["opened_on"], row["closed_on"]
    )


async def add(conn: Conn, envelope: Envelope, opened: ClassOpened) -> None:
    await conn.execute(
        "INSERT INTO classes (class_id, partnership_id, programme_id, school_id, sponsor_id, sponsor_credit_code,"
        " name, major, seats, cohort_year, planned_start, planned_end, hiring_commitment, opened_on, opened_event_id)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        opened.class_id,
        envelope.partnership_id,
        opened.programme_id,
        opened.school_id,
        opened.sponsor_id,
        opened.sponsor_credit_code,
        opened.name,
        opened.major,
        opened.seats,
        opened.cohort_year,
        opened.planned_start,
        opened.planned_end,
        opened.hiring_commitment,
        envelope.occurred_on,
        envelope.id,
    )


async def mark_closed(conn: Conn, envelope: Envelope, class_id: UUID) -> None:
    await conn.execute(
        "UPDATE classes SET closed_on = $2, closed_event_id = $3 WHERE class_id = $1",
        class_id,
        envelope.occurred_on,
        envelope.id,
    )


async def live_enrolments(conn: Conn, class_id: UUID) -> int:
    count: int = await conn.fetchval(
        "SELECT count(*) FROM enrolments WHERE class_id = $1 AND cancelled_on IS NULL AND NOT retracted", class_id
    )
    return count
