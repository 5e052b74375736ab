"""Outbox backlogs: rows each service has committed but its relay has not yet published (shared/messaging/outbox.py).

Every schema holding an `outbox` table is a service's (the shared migrations create it there). The counts use the
partial index on unpublished rows, so asking is cheap however long the published history is; ages are measured by
the database's clock, the one that stamped `created_at`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

from shared.ops.errors import DatabaseUnreachable

CONNECT_SECONDS = 10.0


@dataclass(frozen=True)
class OutboxBacklog:
    schema: str
    unsent: int
    oldest_unsent_at: datetime | None
    oldest_unsent_age: timedelta | None


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _where(dsn: str) -> str:
    """The DSN without its password, for messages."""
    return dsn.split("@", 1)[-1] if "@" in dsn else dsn


async def _connect(dsn: str) -> asyncpg.Connection:
    try:
        return await asyncpg.connect(dsn, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        raise DatabaseUnreachable(_where(dsn), error) from error


async def _backlog(conn: asyncpg.Connection, schema: str) -> OutboxBacklog | None:
    try:
        row = await conn.fetchrow(
            "SELECT count(*) AS unsent, min(created_at) AS oldest, now() - min(created_at) AS age"
            f" FROM {_identifier(schema)}.outbox WHERE published_at IS NULL"
        )
    except (asyncpg.UndefinedTableError, asyncpg.InvalidSchemaNameError):
        return None  # dropped since it was listed
    assert row is not None  # an aggregate without GROUP BY always returns one row
    return OutboxBacklog(schema, row["unsent"], row["oldest"], row["age"])


async def outbox_backlogs(dsn: str, match: str | None = None, suffix: str = "") -> list[OutboxBacklog]:
    """One backlog per schema with an outbox, the schemas ending with `suffix` and containing `match`."""
    conn = await _connect(dsn)
    try:
        schemas = await conn.fetch(
            "SELECT table_schema FROM information_schema.tables WHERE table_name = 'outbox' ORDER BY table_schema"
        )
        backlogs = []
        for (schema,) in schemas:
            if not schema.endswith(suffix) or (match is not None and match not in schema):
                continue
            backlog = await _backlog(conn, schema)
            if backlog is not None:
                backlogs.append(backlog)
        return backlogs
    except (OSError, asyncpg.InterfaceError) as error:
        raise DatabaseUnreachable(_where(dsn), error) from error
    finally:
        await conn.close()
