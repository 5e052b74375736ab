"""The read side: filtered lists with keyset pagination over each table's `seq`, and the checks due."""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from services.employment.domain.partnership import DEFAULT_CHECKPOINTS
from shared.messaging.codec import decode
from shared.web.pagination import decode_cursor, encode_cursor

MAX_LIMIT = 500
STUDENT_COLUMNS = (
    "s.seq, s.student_id, s.partnership_id, s.class_id, s.training_status, s.graduated_on, s.withdrawn_last_day,"
    " s.employment_status, s.current_placement_id, s.last_job_ended_on,"
    " (SELECT h.poor_household FROM household_updates h WHERE h.student_id = s.student_id AND NOT h.retracted"
    "  ORDER BY h.occurred_on DESC, h.recorded_at DESC, h.event_id DESC LIMIT 1) AS poor_household,"
    " (SELECT count(*) FROM held_facts f WHERE f.student_id = s.student_id AND f.status = 'held') AS held_facts"
)


def _where(filters: dict[str, Any], first: int = 1) -> tuple[str, list[Any]]:
    """`filters` maps a column expression (from code, never from the client) to a value; None means any."""
    clauses, args = [], []
    for column, value in filters.items():
        if value is not None:
            args.append(value)
            clauses.append(f"{column} = ${first + len(args) - 1}")
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
    after = decode_cursor(cursor)
    where, args = _where(filters, 1)
    args.append(int(after) if after is not None else 0)
    sql = (
        f"SELECT {columns} FROM {source} WHERE {where} AND {seq} > ${len(args)}"
        f" ORDER BY {seq} LIMIT {min(limit, MAX_LIMIT) + 1}"
    )
    rows = await conn.fetch(sql, *args)
    more = len(rows) > min(limit, MAX_LIMIT)
    rows = rows[: min(limit, MAX_LIMIT)]
    return rows, (encode_cursor(rows[-1]["seq"]) if more and rows else None)


async def due_checks(
    conn: asyncpg.Connection, as_of: date, filters: dict[str, Any], cursor: str | None, limit: int
) -> tuple[list[asyncpg.Record], str | None]:
    """Placements whose start + k days is on or before `as_of` and have no check for k (DOMAIN.md, job retention).

    `filters` name columns of placements `p`; a partnership employment has not heard of has the default check-points.
    """
    where, args = _where(filters, 3)
    after = decode_cursor(cursor)
    position = ""
    if after is not None:
        args += [date.fromisoformat(after[0]), UUID(after[1]), int(after[2])]
        n = len(args) + 2
        position = f" AND (due_on, placement_id, checkpoint_days) > (${n - 2}, ${n - 1}, ${n})"
    rows = await conn.fetch(
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
    more = len(rows) > min(limit, MAX_LIMIT)
    rows = rows[: min(limit, MAX_LIMIT)]
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
    after = decode_cursor(cursor)
    rows = await conn.fetch(
        "SELECT position, key, headers, value FROM outbox WHERE headers ->> 'ce_studentid' = $1 AND position > $2"
        f" ORDER BY position LIMIT {min(limit, MAX_LIMIT) + 1}",
        str(student_id),
        int(after) if after is not None else 0,
    )
    more = len(rows) > min(limit, MAX_LIMIT)
    entries = []
    for row in rows[: min(limit, MAX_LIMIT)]:
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
