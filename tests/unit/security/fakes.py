"""In-memory clients and audit trail, subclassing the real ports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from uuid import UUID

from argon2 import PasswordHasher

from shared.application.access import AccessPort, Membership, Recorder
from shared.contracts.envelope import Envelope
from shared.errors import Conflict
from shared.security.audit import AuditEntry, AuditQuery
from shared.security.hashing import SecretHasher
from shared.security.identity import Actor, Client
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


@dataclass
class _Stay:
    event_id: UUID
    partnership_id: UUID
    member: Membership
    joined_on: date
    left_on: date | None = None
    left_event: UUID | None = None


class FakeAccess(AccessPort):
    """Memberships and recorded facts in memory, with the stays rules of shared/security/access.py."""

    def __init__(self) -> None:
        self.stays: list[_Stay] = []
        self.recorded: dict[UUID, Actor] = {}
        self.facts: dict[UUID, Envelope] = {}

    def _staying(self, partnership_id: UUID, on: date) -> list[_Stay]:
        return [
            s
            for s in self.stays
            if s.partnership_id == partnership_id and s.joined_on <= on and (s.left_on is None or s.left_on > on)
        ]

    async def membership(self, partnership_id: UUID, party_id: UUID, on: date) -> Membership | None:
        return next((s.member for s in self._staying(partnership_id, on) if s.member.party_id == party_id), None)

    async def member_with_credit_code(self, partnership_id: UUID, credit_code: str, on: date) -> Membership | None:
        found = (s.member for s in self._staying(partnership_id, on) if s.member.credit_code == credit_code)
        return next(found, None)

    async def joined(self, event_id: UUID, partnership_id: UUID, member: Membership, on: date) -> None:
        self.stays.append(_Stay(event_id, partnership_id, member, on))

    async def left(self, event_id: UUID, partnership_id: UUID, party_id: UUID, on: date) -> None:
        for stay in self.stays:
            if stay.partnership_id == partnership_id and stay.member.party_id == party_id and stay.left_on is None:
                stay.left_on, stay.left_event = on, event_id

    async def forget(self, event_id: UUID) -> None:
        self.stays = [s for s in self.stays if s.event_id != event_id]
        for stay in self.stays:
            if stay.left_event == event_id:
                stay.left_on, stay.left_event = None, None

    async def partnerships_of(self, subject: str, subject_id: UUID) -> frozenset[UUID]:
        of_the_subject = {"student_id": lambda e: e.student_id == subject_id, "event_id": lambda e: e.id == subject_id}
        about = of_the_subject.get(subject)
        return frozenset(e.partnership_id for e in self.facts.values() if about and about(e))

    async def recorder(self, event_id: UUID) -> Recorder | None:
        actor = self.recorded.get(event_id)
        return Recorder(actor.party_id, actor.role) if actor else None

    async def audit_facts(self, actor: Actor, events: Sequence[Envelope], at: datetime) -> None:
        self.recorded.update({event.id: actor for event in events})
        self.facts.update({event.id: event for event in events})
