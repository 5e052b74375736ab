"""One connection for an operator's command, its failures said in the operators' terms (shared/ops/errors.py)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import asyncpg

from shared.ops.errors import DatabaseRefused, DatabaseUnreachable

CONNECT_SECONDS = 10.0


def where(dsn: str) -> str:
    """The DSN without user and password, for messages."""
    return dsn.rsplit("@", 1)[-1]


@contextlib.asynccontextmanager
async def connected(dsn: str) -> AsyncIterator[asyncpg.Connection]:
    try:
        conn = await asyncpg.connect(dsn, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        raise DatabaseUnreachable(where(dsn), error) from error
    try:
        yield conn
    except (OSError, asyncpg.InterfaceError) as error:
        raise DatabaseUnreachable(where(dsn), error) from error
    except asyncpg.PostgresError as error:
        raise DatabaseRefused(where(dsn), error) from error
    finally:
        await conn.close()
