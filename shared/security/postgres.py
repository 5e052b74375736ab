"""Clients and the audit trail in PostgreSQL: one `security` schema that every service reads.

The repositories qualify their tables with the schema, so a service uses them on its own pool (whose
search_path is its own schema) and can record an audit row inside the transaction of the fact it audits.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import asyncpg

from shared.errors import Conflict
from shared.persistence.database import checked_schema, migrate_directories
from shared.security.audit import AuditAction, AuditEntry, AuditQuery
from shared.security.identity import Client, Role, Scope
from shared.security.ports import AuditTrail, ClientRepository
from shared.security.revocation import Revocations

MIGRATIONS = Path(__file__).parent / "migrations"
Database = asyncpg.Pool | asyncpg.Connection
_CLIENT_COLUMNS = "client_id, party_id, role, name, scopes, secret_hash, generation, created_at, rotated_at, revoked_at"
_AUDIT_COLUMNS = (
    "at, action, client_id, party_id, role, event_id, event_type, partnership_id, operation, address, detail"
)


async def migrate_security(dsn: str, schema: str) -> int:
    """Every service migrates this one schema as it starts, possibly at the same moment."""
    return await migrate_directories(dsn, schema, [MIGRATIONS])


def _client(row: asyncpg.Record) -> Client:
    return Client(
        client_id=row["client_id"],
        party_id=row["party_id"],
        role=Role(row["role"]),
        name=row["name"],
        scopes=frozenset(Scope(s) for s in row["scopes"]),
        secret_hash=row["secret_hash"],
        created_at=row["created_at"],
        generation=row["generation"],
        rotated_at=row["rotated_at"],
        revoked_at=row["revoked_at"],
    )


class PostgresClients(ClientRepository):
    def __init__(self, db: Database, schema: str) -> None:
        self._db = db
        self._table = f"{checked_schema(schema)}.clients"

    async def add(self, client: Client) -> None:
        try:
            await self._db.execute(
                f"INSERT INTO {self._table} ({_CLIENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                client.client_id,
                client.party_id,
                client.role.value,
                client.name,
                sorted(client.scopes),
                client.secret_hash,
                client.generation,
                client.created_at,
                client.rotated_at,
                client.revoked_at,
            )
        except asyncpg.UniqueViolationError as error:
            raise Conflict(f"client {client.client_id} exists") from error

    async def get(self, client_id: str) -> Client | None:
        row = await self._db.fetchrow(f"SELECT {_CLIENT_COLUMNS} FROM {self._table} WHERE client_id = $1", client_id)
        return _client(row) if row is not None else None

    async def listed(self, *, include_revoked: bool) -> list[Client]:
        where = "" if include_revoked else "WHERE revoked_at IS NULL"
        rows = await self._db.fetch(f"SELECT {_CLIENT_COLUMNS} FROM {self._table} {where} ORDER BY created_at")
        return [_client(row) for row in rows]

    async def rotate(self, client_id: str, secret_hash: str, at: datetime) -> Client | None:
        row = await self._db.fetchrow(
            f"UPDATE {self._table} SET secret_hash = $2, generation = generation + 1, rotated_at = $3"
            f" WHERE client_id = $1 AND revoked_at IS NULL RETURNING {_CLIENT_COLUMNS}",
            client_id,
            secret_hash,
            at,
        )
        return _client(row) if row is not None else None

    async def revoke(self, client_id: str, at: datetime) -> Client | None:
        row = await self._db.fetchrow(
            f"UPDATE {self._table} SET revoked_at = coalesce(revoked_at, $2)"
            f" WHERE client_id = $1 RETURNING {_CLIENT_COLUMNS}",
            client_id,
            at,
        )
        return _client(row) if row is not None else None

    async def revocations(self) -> Revocations:
        # Bounded by the number of clients ever added: a few hundred parties, reloaded every couple of seconds.
        rows = await self._db.fetch(
            f"SELECT client_id, revoked_at IS NOT NULL AS revoked, generation FROM {self._table}"
            " WHERE revoked_at IS NOT NULL OR generation > 1"
        )
        return Revocations(
            revoked=frozenset(row["client_id"] for row in rows if row["revoked"]),
            generations={row["client_id"]: row["generation"] for row in rows},
        )


def _entry(row: asyncpg.Record) -> AuditEntry:
    return AuditEntry(
        at=row["at"],
        action=AuditAction(row["action"]),
        client_id=row["client_id"],
        party_id=row["party_id"],
        role=Role(row["role"]) if row["role"] is not None else None,
        event_id=row["event_id"],
        event_type=row["event_type"],
        partnership_id=row["partnership_id"],
        operation=row["operation"],
        address=str(row["address"]) if row["address"] is not None else None,
        detail=row["detail"],
    )


class PostgresAudit(AuditTrail):
    def __init__(self, db: Database, schema: str) -> None:
        self._db = db
        self._table = f"{checked_schema(schema)}.audit"

    async def record(self, *entries: AuditEntry) -> None:
        await self._db.executemany(
            f"INSERT INTO {self._table} ({_AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            [
                (
                    e.at,
                    e.action.value,
                    e.client_id,
                    e.party_id,
                    e.role.value if e.role is not None else None,
                    e.event_id,
                    e.event_type,
                    e.partnership_id,
                    e.operation,
                    e.address,
                    e.detail,
                )
                for e in entries
            ],
        )

    async def query(self, query: AuditQuery) -> list[AuditEntry]:
        filters = {
            "client_id = $": query.client_id,
            "party_id = $": query.party_id,
            "action = $": query.action.value if query.action is not None else None,
            "event_type = $": query.event_type,
            "at >= $": query.since,
            "at < $": query.until,
        }
        given = [(condition, value) for condition, value in filters.items() if value is not None]
        where = " AND ".join(f"{condition}{n}" for n, (condition, _) in enumerate(given, start=1)) or "true"
        limit = f"${len(given) + 1}"
        rows = await self._db.fetch(
            f"SELECT {_AUDIT_COLUMNS} FROM {self._table} WHERE {where} ORDER BY at DESC, seq DESC LIMIT {limit}",
            *(value for _, value in given),
            query.limit,
        )
        return [_entry(row) for row in rows]
