"""Read-side queries for the GET routes: keyset pages over every table, a class with its plan and hours, a
student's timeline."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import asyncpg

from services.training.domain import teaching
from shared.errors import InvalidFact
from shared.messaging.codec import decode
from shared.web.pagination import decode_cursor, encode_cursor

# A condition with one `{}` where the value's parameter goes; a None value means "no such filter".
Filter = tuple[str, object | None]
SOURCES = frozenset(
    {
        "classes",
        "learners",
        "plans",
        "verified_hours_logs",
        "breaks",
        "internships",
        "certificates",
        "progress_reviews",
        "held_facts",
        "outbox",
    }
)


def _after(cursor: str | None) -> int | None:
    position = decode_cursor(cursor)
    if position is not None and not isinstance(position, int):
        raise InvalidFact("invalid cursor")
    return position


async def page(
    conn: asyncpg.Connection,
    source: str,
    filters: Sequence[Filter],
    cursor: str | None,
    limit: int,
    order: str = "seq",
) -> tuple[list[asyncpg.Record], str | None]:
    """Rows of `source` matching every given filter, after the cursor, in write order; plus the next cursor."""
    if source not in SOURCES or order not in ("seq", "position"):
        raise ValueError(f"not a readable source: {source}.{order}")
    args: list[object] = []
    where: list[str] = []
    for condition, value in filters:
        if value is not None:
            args.append(value)
            where.append(condition.format(f"${len(args)}"))
    after = _after(cursor)
    if after is not None:
        args.append(after)
        where.append(f"{order} > ${len(args)}")
    args.append(limit + 1)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    sql = f"SELECT * FROM {source} {clause} ORDER BY {order} LIMIT ${len(args)}"  # noqa: S608 (names are constants)
    rows = await conn.fetch(sql, *args)
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1][order]) if more else None


def plan_row(row: asyncpg.Record) -> dict[str, Any]:
    return {**dict(row), "modules": json.loads(row["modules"])}


async def class_detail(conn: asyncpg.Connection, class_id: UUID) -> dict[str, Any] | None:
    classroom = await conn.fetchrow("SELECT * FROM classes WHERE class_id = $1", class_id)
    if classroom is None:
        return None
    plan = await conn.fetchrow(
        "SELECT * FROM plans WHERE class_id = $1 AND NOT retracted ORDER BY agreed_on DESC, seq DESC LIMIT 1",
        class_id,
    )
    hours = await conn.fetchrow(
        "SELECT coalesce(sum(hours), 0) AS logged,"
        " coalesce(sum(hours_accepted) FILTER (WHERE taught_by = 'school'), 0) AS verified_school,"
        " coalesce(sum(hours_accepted) FILTER (WHERE taught_by = 'enterprise'), 0) AS verified_enterprise"
        " FROM verified_hours_logs WHERE class_id = $1 AND NOT retracted",
        class_id,
    )
    assert hours is not None  # an aggregate without GROUP BY always returns one row
    share = teaching.verified_enterprise_share(hours["verified_enterprise"], hours["verified_school"])
    learners = await conn.fetchval("SELECT count(*) FROM learners WHERE class_id = $1", class_id)
    return {
        **dict(classroom),
        "plan": plan_row(plan) if plan else None,
        "hours": {**dict(hours), "enterprise_share": share},
        "learners": learners,
    }


async def knows_student(conn: asyncpg.Connection, student_id: UUID) -> bool:
    return bool(await conn.fetchval("SELECT true FROM learners WHERE student_id = $1", student_id))


async def timeline(
    conn: asyncpg.Connection, student_id: UUID, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """The student's events in this stage, from the outbox, in the order they were recorded."""
    rows, next_cursor = await page(
        conn, "outbox", [("headers ->> 'ce_studentid' = {}", str(student_id))], cursor, limit, order="position"
    )
    entries = []
    for row in rows:
        headers = [(name, value.encode()) for name, value in json.loads(row["headers"]).items()]
        event = decode(headers, row["key"].encode(), bytes(row["value"]))
        entries.append({**event.model_dump(), "event_id": event.id, "data": event.data_json()})
    return entries, next_cursor
