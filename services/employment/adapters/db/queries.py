"""The read side (the GET routes): filtered lists with keyset pagination over each table's `seq`, single rows,
the checks due and a student's timeline. Table and column names always come from code, never from a client."""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from services.employment.domain.partnership import DEFAULT_CHECKPOINTS
from shared.messaging.codec import decode
from shared.web.pagination import decode_position, encode_cursor

MAX_LIMIT = 500
STUDENT_COLUMNS = (
    "s.seq, s.student_id, s.partnership_id, s.class_id, s.training_status, s.graduated_on, s.withdrawn_last_day,"
    " s.employment_status, s.current_placement_id, s.last_job_ended_on,"
    " (SELECT h.poor_household FROM household_updates h WHERE h.student_id = s.student_id AND NOT h.retracted"
    "  ORDER BY h.occurred_on DESC, h.recorded_at DESC, h.event_id DESC LIMIT 1) AS poor_household,"
    " (SELECT count(*) FROM held_facts f WHERE f.student_id = s.student_id AND f.status = 'held') AS held_facts"
)


def _cut(rows: list[asyncpg.Record], limit: int) -> tuple[list[asyncpg.Record], bool]:
    """A page of rows fetched with one extra, and whether there was one (another page follows)."""
    size = min(limit, MAX_LIMIT)
    return rows[:size], len(rows) > size


def _where(filters: dict[str, Any], first: int = 1) -> tuple[str, list[Any]]:
    """`filters` maps a column expression (from code, never from the client) to a value; None means any. An
    expression with `{}` is a whole condition on the value (visibility.py)."""
    clauses, args = [], []
    for column, value in filters.items():
        if value is not None:
            args.append(value)
            placeholder = f"${first + len(args) - 1}"
            clauses.append(column.format(placeholder) if "{}" in column else f"{column} = {placeholder}")
    return (" AND ".join(clauses) or "true"), args


async def page(
    conn: asyncpg.Connection,
    source: str,
    filters: dict[str, Any],
    cursor: str | None,
    limit: int,
    *,
    columns: str = "*",
    seq: str = "seq",
) -> tuple[list[asyncpg.Record], str | None]:
    where, args = _where(filters, 1)
    args.append(decode_position(cursor, int) or 0)
    sql = (
        f"SELECT {columns} FROM {source} WHERE {where} AND {seq} > ${len(args)}"
        f" ORDER BY {seq} LIMIT {min(limit, MAX_LIMIT) + 1}"
    )
    rows, more = _cut(await conn.fetch(sql, *args), limit)
    return rows, (encode_cursor(rows[-1]["seq"]) if more and rows else None)


async def one(
    conn: asyncpg.Connection, table: str, key: str, value: UUID, *, live: bool = True
) -> asyncpg.Record | None:
    """The row of `table` whose `key` is `value`; `live` leaves out retracted rows."""
    retracted = " AND NOT retracted" if live else ""
    row: asyncpg.Record | None = await conn.fetchrow(f"SELECT * FROM {table} WHERE {key} = $1{retracted}", value)
    return row


async def student(conn: asyncpg.Connection, student_id: UUID) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        f"SELECT {STUDENT_COLUMNS} FROM students s WHERE s.student_id = $1", student_id
    )
    return row


async def partnership(
    conn: asyncpg.Connection, partnership_id: UUID
) -> tuple[asyncpg.Record, list[asyncpg.Record], list[asyncpg.Record]] | None:
    """The partnership's row, its classes and its partner enterprises."""
    row = await one(conn, "partnerships", "partnership_id", partnership_id, live=False)
    if row is None:
        return None
    classes = await conn.fetch("SELECT * FROM classes WHERE partnership_id = $1 ORDER BY class_id", partnership_id)
    partners = await conn.fetch(
        "SELECT * FROM partner_enterprises WHERE partnership_id = $1 ORDER BY party_id", partnership_id
    )
    return row, classes, partners


async def due_checks(
    conn: asyncpg.Connection, as_of: date, filters: dict[str, Any], cursor: str | None, limit: int
) -> tuple[list[asyncpg.Record], str | None]:
    """Placements whose start + k days is on or before `as_of` and have no check for k (DOMAIN.md, job retention).

    `filters` name columns of placements `p`; a partnership employment has not heard of has the default check-points.
    """
    where, args = _where(filters, 3)
    after = decode_position(cursor, lambda a: (date.fromisoformat(a[0]), UUID(a[1]), int(a[2])))
    position = ""
    if after is not None:
        args += list(after)
        n = len(args) + 2
        position = f" AND (due_on, placement_id, checkpoint_days) > (${n - 2}, ${n - 1}, ${n})"
    fetched = await conn.fetch(
        "WITH due AS ("
        " SELECT p.placement_id, p.student_id, p.partnership_id, p.class_id, p.employer_name, p.start_on,"
        "  k AS checkpoint_days, p.start_on + k AS due_on"
        " FROM placements p LEFT JOIN partnerships pp USING (partnership_id)"
        " CROSS JOIN LATERAL unnest(coalesce(pp.retention_checkpoints, $1::integer[])) AS k"
        f" WHERE NOT p.retracted AND {where}"
        ") SELECT * FROM due d WHERE d.due_on <= $2 AND NOT EXISTS (SELECT 1 FROM retention_checks c"
        " WHERE c.placement_id = d.placement_id AND c.checkpoint_days = d.checkpoint_days AND NOT c.retracted)"
        f"{position} ORDER BY due_on, placement_id, checkpoint_days LIMIT {min(limit, MAX_LIMIT) + 1}",
        list(DEFAULT_CHECKPOINTS),
        as_of,
        *args,
    )
    rows, more = _cut(fetched, limit)
    last = rows[-1] if rows else None
    next_cursor = (
        encode_cursor([last["due_on"].isoformat(), str(last["placement_id"]), last["checkpoint_days"]])
        if more and last
        else None
    )
    return rows, next_cursor


async def timeline(
    conn: asyncpg.Connection, student_id: UUID, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    after = decode_position(cursor, int)
    fetched = await conn.fetch(
        "SELECT position, key, headers, value FROM outbox WHERE headers ->> 'ce_studentid' = $1 AND position > $2"
        f" ORDER BY position LIMIT {min(limit, MAX_LIMIT) + 1}",
        str(student_id),
        after or 0,
    )
    rows, more = _cut(fetched, limit)
    entries = []
    for row in rows:
        headers = [(name, value.encode()) for name, value in json.loads(row["headers"]).items()]
        event = decode(headers, row["key"].encode(), bytes(row["value"]))
        entries.append(
            {
                "position": row["position"],
                "event_id": event.id,
                "type": event.type,
                "occurred_on": event.occurred_on,
                "recorded_at": event.recorded_at,
                "evidence": event.evidence,
                "supersedes": event.supersedes,
                "data": event.data_json(),
            }
        )
    return entries, (encode_cursor(entries[-1]["position"]) if more and entries else None)
