"""SQL for the recruitment schema: the repositories behind the unit-of-work ports, and the read side's lists.

Table and column names in the statements built here are always written in this package, never taken from a
request; the values are parameters.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, TypeVar
from uuid import UUID

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from services.recruitment.domain.errors import DuplicateFact
from shared.contracts.base import EventPayload
from shared.contracts.envelope import Envelope

# A connection of a unit of work, or one borrowed from the pool for a read.
Conn = asyncpg.Connection | PoolConnectionProxy
T = TypeVar("T")


def column_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def columns_of(payload: EventPayload, **renamed: str) -> dict[str, Any]:
    """An event's fields as the columns of the same names (`renamed`: field -> column where they differ)."""
    return {renamed.get(field, field): value for field, value in payload.model_dump().items()}


def recorded(envelope: Envelope, on: str, key: str = "event_id") -> dict[str, Any]:
    """The columns of a fact's row that come from its envelope: its id (`key`), partnership and business date (`on`)."""
    return {key: envelope.id, "partnership_id": envelope.partnership_id, on: envelope.occurred_on}


@functools.cache
def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    """Written once per table and set of columns: a bulk import inserts thousands of rows of the same shape."""
    places = ", ".join(f"${n}" for n in range(1, len(columns) + 1))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({places})"


async def insert(conn: Conn, table: str, **columns: Any) -> None:
    """Client-chosen ids (imports) that exist already, or a race the row locks do not cover, are a 409."""
    try:
        await conn.execute(_insert_sql(table, tuple(columns)), *map(column_value, columns.values()))
    except asyncpg.UniqueViolationError as error:
        raise DuplicateFact(f"a record with the same identity exists ({error.constraint_name})") from error


async def update(conn: Conn, table: str, changes: Mapping[str, Any], **where: Any) -> None:
    """UPDATE `table` SET `changes` WHERE every `where` column equals its value."""
    values = [*map(column_value, changes.values()), *where.values()]
    assignments = ", ".join(f"{column} = ${n}" for n, column in enumerate(changes, start=1))
    conditions = " AND ".join(f"{column} = ${n}" for n, column in enumerate(where, start=len(changes) + 1))
    await conn.execute(f"UPDATE {table} SET {assignments} WHERE {conditions}", *values)


async def restored(conn: Conn, table: str, changes: Mapping[str, Any], **where: Any) -> bool:
    """Put back what a retracted fact replaced; False, changing nothing, when a later fact has taken its place."""
    try:
        async with conn.transaction():
            await update(conn, table, changes, **where)
    except asyncpg.UniqueViolationError:
        return False
    return True


async def fetched(conn: Conn, record: Callable[..., T], sql: str, *args: Any) -> T | None:
    """The first row of `sql` as a `record` built from its columns, or None."""
    row = await conn.fetchrow(sql, *args)
    return None if row is None else record(**dict(row))


async def exists(conn: Conn, sql: str, *args: Any) -> bool:
    return bool(await conn.fetchval(f"SELECT EXISTS ({sql})", *args))


async def referred_to(conn: Conn, event_id: UUID, *, by: str, of: str, through: str, key: str = "event_id") -> bool:
    """Whether a live row of `by` refers, through column `through`, to the row of `of` whose `key` is `event_id`."""
    sql = f"SELECT 1 FROM {by} d JOIN {of} p USING ({through}) WHERE p.{key} = $1 AND NOT d.retracted"
    return await exists(conn, sql, event_id)
