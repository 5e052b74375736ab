"""Assembly: what a service holds while it runs (`open_identity`) and what `cycle clients` and `cycle audit`
open for one command (`open_administration`). Nothing here runs at import time."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg

from shared.application.clock import Clock, SystemClock
from shared.security.administration import ClientAdministration
from shared.security.grants import ClientCredentialsGrant
from shared.security.hashing import SecretHasher
from shared.security.ports import AuditTrail
from shared.security.postgres import PostgresAudit, PostgresClients, migrate_security
from shared.security.revocation import RevocationWatcher
from shared.security.settings import SecuritySettings
from shared.security.tokens import TokenCodec
from shared.security.verifier import TokenVerifier


@dataclass(frozen=True)
class Identity:
    """A running service's view of identity: issue tokens, verify them, audit."""

    settings: SecuritySettings
    grant: ClientCredentialsGrant
    verifier: TokenVerifier
    audit: AuditTrail
    clock: Clock


@dataclass(frozen=True)
class Administration:
    clients: ClientAdministration
    audit: AuditTrail


@contextlib.asynccontextmanager
async def open_identity(
    settings: SecuritySettings,
    database_url: str,
    pool: asyncpg.Pool,
    *,
    clock: Clock | None = None,
    hasher: SecretHasher | None = None,
) -> AsyncIterator[Identity]:
    """Migrate the security schema, load the revocation list once (no request is verified before it), then
    keep reloading it until the block ends. `pool` is the service's own."""
    clock = clock or SystemClock()
    schema = settings.security_schema
    await migrate_security(database_url, schema)
    clients, audit = PostgresClients(pool, schema), PostgresAudit(pool, schema)
    codec = TokenCodec(settings.signing_key, settings.token_lifetime, clock)
    watcher = RevocationWatcher(
        clients.revocations,
        interval=settings.revocation_refresh_seconds,
        max_staleness=settings.revocation_max_staleness_seconds,
    )
    await watcher.refresh()
    task = asyncio.create_task(watcher.run(), name=f"{schema}-revocations")
    try:
        grant = ClientCredentialsGrant(clients, audit, hasher or SecretHasher(), codec, clock)
        yield Identity(settings, grant, TokenVerifier(codec, watcher), audit, clock)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


@contextlib.asynccontextmanager
async def open_administration(
    settings: SecuritySettings, database_url: str, *, clock: Clock | None = None
) -> AsyncIterator[Administration]:
    schema = settings.security_schema
    await migrate_security(database_url, schema)
    conn = await asyncpg.connect(database_url)
    try:
        audit = PostgresAudit(conn, schema)
        clients = ClientAdministration(PostgresClients(conn, schema), audit, SecretHasher(), clock or SystemClock())
        yield Administration(clients, audit)
    finally:
        await conn.close()
