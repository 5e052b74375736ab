"""Operators' credential work (`cycle clients …`): add a client, rotate its secret, revoke it.

A secret leaves this module once, in `Issued`, and is stored only as its hash. For these actions the audit row
names the client changed and the tool used; the operator acts through the database, not as a client.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from uuid import UUID

from shared.application.clock import Clock
from shared.errors import IllegalTransition, InvalidFact, NotFound
from shared.security.audit import AuditAction, AuditEntry
from shared.security.hashing import SecretHasher, new_secret
from shared.security.identity import Client, Role, Scope
from shared.security.ports import AuditTrail, ClientRepository

MAX_NAME_LENGTH = 200


@dataclass(frozen=True)
class Issued:
    client: Client
    secret: str


def new_client_id(role: Role) -> str:
    return f"{role.value.replace('_', '-')}-{secrets.token_hex(8)}"


def check_client(role: Role, party_id: UUID | None, name: str, scopes: frozenset[Scope]) -> None:
    if (role is Role.OPERATOR) != (party_id is None):
        raise InvalidFact("an operator client belongs to no party; every other client belongs to one")
    if not 0 < len(name.strip()) <= MAX_NAME_LENGTH or any(unicodedata.category(c) == "Cc" for c in name):
        raise InvalidFact(f"a client's name has 1 to {MAX_NAME_LENGTH} printable characters")


class ClientAdministration:
    def __init__(self, clients: ClientRepository, audit: AuditTrail, hasher: SecretHasher, clock: Clock) -> None:
        self._clients = clients
        self._audit = audit
        self._hasher = hasher
        self._clock = clock

    async def add(self, role: Role, party_id: UUID | None, name: str, scopes: frozenset[Scope]) -> Issued:
        check_client(role, party_id, name, scopes)
        secret = new_secret()
        client = Client(
            client_id=new_client_id(role),
            party_id=party_id,
            role=role,
            name=name.strip(),
            scopes=scopes,
            secret_hash=await self._hasher.hash(secret),
            created_at=self._clock.now(),
        )
        await self._clients.add(client)
        await self._record(client, AuditAction.CLIENT_ADDED, "cycle clients add")
        return Issued(client, secret)

    async def rotate(self, client_id: str) -> Issued:
        current = await self._existing(client_id)
        if not current.active:
            raise IllegalTransition(f"client {client_id} is revoked; add a new one instead")
        secret = new_secret()
        rotated = await self._clients.rotate(client_id, await self._hasher.hash(secret), self._clock.now())
        if rotated is None:
            raise IllegalTransition(f"client {client_id} was revoked meanwhile")
        await self._record(rotated, AuditAction.CLIENT_ROTATED, "cycle clients rotate")
        return Issued(rotated, secret)

    async def revoke(self, client_id: str) -> Client:
        revoked = await self._clients.revoke(client_id, self._clock.now())
        if revoked is None:
            raise NotFound(f"no client {client_id}")
        await self._record(revoked, AuditAction.CLIENT_REVOKED, "cycle clients revoke")
        return revoked

    async def listed(self, *, include_revoked: bool) -> list[Client]:
        return await self._clients.listed(include_revoked=include_revoked)

    async def _existing(self, client_id: str) -> Client:
        client = await self._clients.get(client_id)
        if client is None:
            raise NotFound(f"no client {client_id}")
        return client

    async def _record(self, client: Client, action: AuditAction, operation: str) -> None:
        actor = client.acting(client.scopes)
        await self._audit.record(AuditEntry.by(actor, action, self._clock.now(), operation=operation))
