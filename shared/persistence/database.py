"""Connection pools and migrations for one service schema.

Migrations are plain SQL files applied with yoyo-migrations (it keeps a lock and a log table per schema);
the shared messaging tables come first, then the service's own files.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg
import structlog
from yoyo import get_backend, read_migrations

SHARED_MIGRATIONS = Path(__file__).parent / "migrations"
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
log = structlog.get_logger(__name__)


def checked_schema(schema: str) -> str:
    if not _SCHEMA_NAME.match(schema):
        raise ValueError(f"invalid schema name {schema!r}")
    return schema


def yoyo_url(dsn: str, schema: str) -> str:
    parts = urlsplit(dsn)
    query = [*parse_qsl(parts.query), ("schema", schema)]
    return urlunsplit(("postgresql+psycopg", parts.netloc, parts.path, urlencode(query), ""))


async def ensure_schema(dsn: str, schema: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {checked_schema(schema)}")
    finally:
        await conn.close()


def _apply(dsn: str, schema: str, directories: Sequence[Path]) -> int:
    backend = get_backend(yoyo_url(dsn, schema))
    migrations = read_migrations(*(str(d) for d in directories))
    with backend.lock():
        pending = backend.to_apply(migrations)
        backend.apply_migrations(pending)
    return len(pending)


async def migrate_directories(dsn: str, schema: str, directories: Sequence[Path]) -> int:
    """Create the schema and apply the pending migrations of `directories`; returns how many were applied.

    Processes may migrate one schema at the same moment, and neither CREATE SCHEMA IF NOT EXISTS nor yoyo's
    CREATE TABLE IF NOT EXISTS of its lock table is safe against a concurrent twin (the loser meets a unique
    violation in the catalog), so a session-level advisory lock on the schema's name serialises the whole step."""
    conn = await asyncpg.connect(dsn)
    lock = f"cycle.migrate.{checked_schema(schema)}"
    try:
        await conn.execute("SELECT pg_advisory_lock(hashtext($1))", lock)
        try:
            await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            applied = await asyncio.to_thread(_apply, dsn, schema, directories)
        finally:
            await conn.execute("SELECT pg_advisory_unlock(hashtext($1))", lock)
    finally:
        await conn.close()
    log.info("migrations applied", schema=schema, applied=applied)
    return applied


async def migrate(dsn: str, schema: str, *service_dirs: Path) -> int:
    """The shared messaging tables' migrations, then the service's own."""
    return await migrate_directories(dsn, schema, [SHARED_MIGRATIONS, *service_dirs])


async def create_pool(
    dsn: str, schema: str, *, min_size: int = 1, max_size: int = 10, stateless: bool = False
) -> asyncpg.Pool:
    """`stateless`: its users take no session-level advisory lock and run no LISTEN nor SET, so a connection given
    back needs only its transaction ended (asyncpg always does that), not the reset query: a round trip each use."""
    pool = await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        server_settings={"search_path": checked_schema(schema)},
        reset=_session_kept if stateless else None,
    )
    assert pool is not None  # asyncpg types the pool as optional; create_pool never returns None
    return pool


async def _session_kept(conn: asyncpg.Connection) -> None:
    return None


async def drop_schema(dsn: str, schema: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f"DROP SCHEMA IF EXISTS {checked_schema(schema)} CASCADE")
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def pooled(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A connection lent by `pool`, typed as the connection it stands for (asyncpg-stubs calls it a proxy)."""
    async with pool.acquire() as conn:
        yield cast(asyncpg.Connection, conn)
