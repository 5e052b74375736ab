"""In-memory clients and audit trail, subclassing the real ports."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from argon2 import PasswordHasher

from shared.errors import Conflict
from shared.security.audit import AuditEntry, AuditQuery
from shared.security.hashing import SecretHasher
from shared.security.identity import Client
from shared.security.ports import AuditTrail, ClientRepository
from shared.security.revocation import Revocations


def cheap_hasher() -> SecretHasher:
    """argon2id with test-sized costs: the same code path in milliseconds."""
    return SecretHasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


class FakeClients(ClientRepository):
    def __init__(self) -> None:
        self.clients: dict[str, Client] = {}

    async def add(self, client: Client) -> None:
        if client.client_id in self.clients:
            raise Conflict(f"client {client.client_id} exists")
        self.clients[client.client_id] = client

    async def get(self, client_id: str) -> Client | None:
        return self.clients.get(client_id)

    async def listed(self, *, include_revoked: bool) -> list[Client]:
        return [c for c in self.clients.values() if include_revoked or c.active]

    async def rotate(self, client_id: str, secret_hash: str, at: datetime) -> Client | None:
        client = self.clients.get(client_id)
        if client is None or not client.active:
            return None
        rotated = replace(client, secret_hash=secret_hash, generation=client.generation + 1, rotated_at=at)
        self.clients[client_id] = rotated
        return rotated

    async def revoke(self, client_id: str, at: datetime) -> Client | None:
        client = self.clients.get(client_id)
        if client is None:
            return None
        self.clients[client_id] = replace(client, revoked_at=client.revoked_at or at)
        return self.clients[client_id]

    async def revocations(self) -> Revocations:
        return Revocations(
            revoked=frozenset(c.client_id for c in self.clients.values() if not c.active),
            generations={c.client_id: c.generation for c in self.clients.values()},
        )


class FakeAudit(AuditTrail):
    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    async def record(self, *entries: AuditEntry) -> None:
        self.entries.extend(entries)

    async def query(self, query: AuditQuery) -> list[AuditEntry]:
        return [e for e in reversed(self.entries) if query.client_id in (None, e.client_id)][: query.limit]
