"""Clients and the audit trail in PostgreSQL; the audit table refuses every change but an insert."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import asyncpg
import pytest

from shared.errors import Conflict
from shared.security.audit import AuditAction, AuditEntry, AuditQuery
from shared.security.identity import Actor, Client, Role, Scope
from shared.security.postgres import MIGRATIONS, PostgresAudit, PostgresClients, migrate_security
from shared.security.settings import SecuritySettings

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def school(**changes: object) -> Client:
    fields: dict[str, object] = {
        "client_id": f"school-{uuid4().hex[:16]}",
        "party_id": uuid4(),
        "role": Role.SCHOOL,
        "name": "registry",
        "scopes": frozenset({Scope.PERSONAL_DATA}),
        "secret_hash": "$argon2id$hash",
        "created_at": NOW,
    }
    return Client(**{**fields, **changes})  # type: ignore[arg-type]


@pytest.fixture
async def schema(database_url: str, security_settings: SecuritySettings) -> str:
    await migrate_security(database_url, security_settings.security_schema)
    return security_settings.security_schema


async def test_services_starting_together_migrate_the_shared_schema_once(
    database_url: str, security_settings: SecuritySettings
):
    applied = await asyncio.gather(
        *(migrate_security(database_url, security_settings.security_schema) for _ in range(4))
    )
    assert sorted(applied) == [0, 0, 0, len(list(MIGRATIONS.glob("*.sql")))]


async def test_a_client_is_kept_rotated_and_revoked(pool: asyncpg.Pool, schema: str):
    clients = PostgresClients(pool, schema)
    added = school()
    await clients.add(added)

    assert await clients.get(added.client_id) == added
    with pytest.raises(Conflict):
        await clients.add(added)
    rotated = await clients.rotate(added.client_id, "$argon2id$new", NOW + timedelta(days=1))
    assert rotated is not None
    assert (rotated.generation, rotated.secret_hash, rotated.rotated_at) == (
        2,
        "$argon2id$new",
        NOW + timedelta(days=1),
    )

    first = await clients.revoke(added.client_id, NOW + timedelta(days=2))
    again = await clients.revoke(added.client_id, NOW + timedelta(days=3))
    assert first is not None
    assert again is not None
    assert first.revoked_at == again.revoked_at == NOW + timedelta(days=2)
    assert await clients.rotate(added.client_id, "$argon2id$other", NOW) is None
    assert await clients.revoke("school-0000000000000000", NOW) is None
    assert [c.client_id for c in await clients.listed(include_revoked=False)] == []
    assert [c.client_id for c in await clients.listed(include_revoked=True)] == [added.client_id]


async def test_the_revocation_list_names_revoked_clients_and_rotated_secrets(pool: asyncpg.Pool, schema: str):
    clients = PostgresClients(pool, schema)
    untouched, rotated, revoked = school(), school(), school()
    for client in (untouched, rotated, revoked):
        await clients.add(client)
    await clients.rotate(rotated.client_id, "$argon2id$new", NOW)
    await clients.revoke(revoked.client_id, NOW)

    revocations = await clients.revocations()

    assert revocations.revoked == {revoked.client_id}
    assert revocations.generations == {rotated.client_id: 2, revoked.client_id: 1}


async def test_the_database_refuses_a_party_client_without_a_party(pool: asyncpg.Pool, schema: str):
    with pytest.raises(asyncpg.CheckViolationError):
        await PostgresClients(pool, schema).add(school(party_id=None))


async def test_audit_entries_are_found_by_client_party_action_event_type_and_time(pool: asyncpg.Pool, schema: str):
    audit = PostgresAudit(pool, schema)
    a = Actor("school-a", uuid4(), Role.SCHOOL, frozenset())
    b = Actor("enterprise-b", uuid4(), Role.ENTERPRISE, frozenset())
    issued = AuditEntry.by(a, AuditAction.TOKEN_ISSUED, NOW, address="10.1.2.3")
    read = AuditEntry.of_request(a, "GET", "/partnerships/p/figures", NOW + timedelta(minutes=1), "::1")
    command = AuditEntry.of_request(b, "POST", "/placements", NOW + timedelta(minutes=2), None)
    await audit.record(issued, read, command)

    assert await audit.query(AuditQuery(client_id="school-a")) == [read, issued]
    assert await audit.query(AuditQuery(party_id=b.party_id)) == [command]
    assert await audit.query(AuditQuery(action=AuditAction.READ)) == [read]
    assert await audit.query(AuditQuery(since=NOW + timedelta(minutes=1), until=NOW + timedelta(minutes=2))) == [read]
    assert await audit.query(AuditQuery(limit=1)) == [command]
    assert await audit.query(AuditQuery(event_type="PlacementRecorded")) == []
    assert read.operation == "GET /partnerships/p/figures"


@pytest.mark.parametrize(
    "change",
    ["UPDATE {t} SET detail = 'edited'", "DELETE FROM {t}", "TRUNCATE {t}"],
    ids=["update", "delete", "truncate"],
)
async def test_the_audit_table_is_append_only(pool: asyncpg.Pool, schema: str, change: str):
    await PostgresAudit(pool, schema).record(AuditEntry.by(None, AuditAction.TOKEN_REFUSED, NOW, detail="x"))
    with pytest.raises(asyncpg.RaiseError, match="append-only"):
        await pool.execute(change.format(t=f"{schema}.audit"))
    assert await pool.fetchval(f"SELECT count(*) FROM {schema}.audit") == 1
