"""SQL for the recruitment schema: the repositories behind the unit-of-work ports, and the read side's lists."""

from __future__ import annotations

from typing import Any

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from services.recruitment.domain.errors import DuplicateFact

# A connection of a unit of work, or one borrowed from the pool for a read.
Conn = asyncpg.Connection | PoolConnectionProxy


async def insert(conn: Conn, sql: str, *args: Any) -> None:
    """Client-chosen ids (imports) that exist already, or a race the row locks do not cover, are a 409."""
    try:
        await conn.execute(sql, *args)
    except asyncpg.UniqueViolationError as error:
        raise DuplicateFact(f"a record with the same identity exists ({error.constraint_name})") from error


async def restored(conn: Conn, sql: str, *args: Any) -> bool:
    """Put back what a retracted fact replaced; False, changing nothing, when a later fact has taken its place."""
    try:
        async with conn.transaction():
            await conn.execute(sql, *args)
    except asyncpg.UniqueViolationError:
        return False
    return True
