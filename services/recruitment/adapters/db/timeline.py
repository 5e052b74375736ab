"""A student's events in this stage, read back from the outbox (it keeps every event the service emitted)."""

from __future__ import annotations

import json
from uuid import UUID

from services.recruitment.adapters.db import Conn
from shared.contracts.envelope import Envelope
from shared.errors import InvalidFact
from shared.messaging.codec import decode
from shared.web.pagination import decode_cursor, encode_cursor


async def events_of_student(
    conn: Conn, student_id: UUID, cursor: str | None, limit: int
) -> tuple[list[Envelope], str | None]:
    after = decode_cursor(cursor)
    if after is not None and not isinstance(after, int):
        raise InvalidFact("invalid cursor")
    rows = await conn.fetch(
        "SELECT position, key, headers, value FROM outbox WHERE headers->>'ce_studentid' = $1 AND position > $2"
        " ORDER BY position LIMIT $3",
        str(student_id),
        after or 0,
        limit + 1,
    )
    events = [
        decode(
            [(k, v.encode()) for k, v in json.loads(row["headers"]).items()], row["key"].encode(), bytes(row["value"])
        )
        for row in rows[:limit]
    ]
    return events, encode_cursor(rows[limit - 1]["position"]) if len(rows) > limit else None
