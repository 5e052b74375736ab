"""Outbox backlogs: rows each service has committed but its relay has not yet published (shared/messaging/outbox.py),
and the rows the broker refused for good, which the relay set aside in `outbox_dead_letters` (issue 13).

Every schema holding an `outbox` table is a service's (the shared migrations create it there); a schema migrated
before refusals existed has no `dead_lettered_at` column and reports none. The counts use the partial index on
unpublished rows, so asking is cheap however long the published history is; ages are measured by the database's
clock, the one that stamped `created_at`.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

from shared.ops.database import connected

_SCHEMAS = """
SELECT t.table_schema AS schema,
       EXISTS (SELECT 1 FROM information_schema.columns c
               WHERE c.table_schema = t.table_schema AND c.table_name = 'outbox'
                 AND c.column_name = 'dead_lettered_at') AS keeps_refusals
FROM information_schema.tables t WHERE t.table_name = 'outbox' ORDER BY 1
"""
# A dropped schema (listed a moment earlier) is skipped, not an error.
_GONE = (asyncpg.UndefinedTableError, asyncpg.InvalidSchemaNameError, asyncpg.UndefinedColumnError)


@dataclass(frozen=True)
class OutboxBacklog:
    schema: str
    unsent: int
    oldest_unsent_at: datetime | None
    oldest_unsent_age: timedelta | None
    refused: int


@dataclass(frozen=True)
class RefusedRow:
    schema: str
    position: int
    event_id: str
    event_type: str
    topic: str
    reason: str
    refused_at: datetime


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def _schemas(conn: asyncpg.Connection, match: str | None, suffix: str) -> list[tuple[str, bool]]:
    return [
        (row["schema"], row["keeps_refusals"])
        for row in await conn.fetch(_SCHEMAS)
        if row["schema"].endswith(suffix) and (match is None or match in row["schema"])
    ]


async def _backlog(conn: asyncpg.Connection, schema: str, keeps_refusals: bool) -> OutboxBacklog | None:
    table = f"{_identifier(schema)}.outbox"
    waiting = "published_at IS NULL" + (" AND dead_lettered_at IS NULL" if keeps_refusals else "")
    refused = f"(SELECT count(*) FROM {_identifier(schema)}.outbox_dead_letters)" if keeps_refusals else "0"
    try:
        row = await conn.fetchrow(
            "SELECT count(*) AS unsent, min(created_at) AS oldest, now() - min(created_at) AS age,"
            f" {refused} AS refused FROM {table} WHERE {waiting}"
        )
    except _GONE:
        return None
    assert row is not None  # an aggregate without GROUP BY always returns one row
    return OutboxBacklog(schema, row["unsent"], row["oldest"], row["age"], row["refused"])


async def outbox_backlogs(dsn: str, match: str | None = None, suffix: str = "") -> list[OutboxBacklog]:
    """One backlog per schema with an outbox, among the schemas ending with `suffix` and containing `match`."""
    async with connected(dsn) as conn:
        found = [await _backlog(conn, schema, keeps) for schema, keeps in await _schemas(conn, match, suffix)]
    return [backlog for backlog in found if backlog is not None]


async def refused_rows(dsn: str, match: str | None = None, suffix: str = "") -> list[RefusedRow]:
    """The rows each relay set aside because the broker refused them, oldest first."""
    refused: list[RefusedRow] = []
    async with connected(dsn) as conn:
        for schema, keeps_refusals in await _schemas(conn, match, suffix):
            if not keeps_refusals:
                continue
            with contextlib.suppress(*_GONE):
                rows = await conn.fetch(
                    "SELECT position, event_id, event_type, topic, reason, refused_at"
                    f" FROM {_identifier(schema)}.outbox_dead_letters ORDER BY position"
                )
                refused += [
                    RefusedRow(
                        schema,
                        row["position"],
                        str(row["event_id"]),
                        row["event_type"],
                        row["topic"],
                        row["reason"],
                        row["refused_at"],
                    )
                    for row in rows
                ]
    return refused
