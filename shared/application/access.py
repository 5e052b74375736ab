"""Ports of authorization (issue 10): who may record which facts is decided on the facts themselves, in the
pipeline, so a route, an operator import and any later ingestion path are held to the same rules.

`Policy.authorize` sees the events a handler decided (and, for a held fact, what it will be) before they reach
the outbox, and raises `shared.errors.Forbidden` to refuse them all: the unit of work then rolls back and
nothing is stored. `Policy.learn` keeps what authorization needs to know (which party belongs to which
partnership, when) from the facts the service records or learns, in the same transaction. `AccessPort` is the
unit of work's view of that knowledge and of the audit trail, so every read and write is transactional.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from shared.contracts.envelope import Envelope
from shared.contracts.partnership import PartyRole
from shared.errors import DomainError
from shared.security.identity import Actor, Role


@dataclass(frozen=True)
class Membership:
    """A party's place in one partnership on one day, as MemberJoined stated it."""

    party_id: UUID
    role: PartyRole
    credit_code: str | None = None
    locality: str | None = None


@dataclass(frozen=True)
class Recorder:
    """Who recorded an event, as the audit trail says (the party and role of the client that sent it)."""

    party_id: UUID | None
    role: Role


@dataclass(frozen=True)
class HeldIntent:
    """A fact accepted but held until the fact it follows arrives: the event it will be, and where."""

    event_type: str
    partnership_id: UUID
    occurred_on: date


class AccessPort(abc.ABC):
    @abc.abstractmethod
    async def membership(self, partnership_id: UUID, party_id: UUID, on: date) -> Membership | None: ...

    @abc.abstractmethod
    async def member_with_credit_code(self, partnership_id: UUID, credit_code: str, on: date) -> Membership | None:
        """The member whose MemberJoined gave this unified social credit code, if any."""

    @abc.abstractmethod
    async def joined(self, event_id: UUID, partnership_id: UUID, member: Membership, on: date) -> None: ...

    @abc.abstractmethod
    async def left(self, event_id: UUID, partnership_id: UUID, party_id: UUID, on: date) -> None: ...

    @abc.abstractmethod
    async def forget(self, event_id: UUID) -> None:
        """A MemberJoined or MemberLeft was retracted: as if it had never been stated."""

    @abc.abstractmethod
    async def partnerships_of(self, subject: str, subject_id: UUID) -> frozenset[UUID]:
        """The partnerships of what a command is about, as this service knows it: `subject` is the command's field
        (`student_id`, `event_id`, `application_id`, …); empty for a subject it does not know or keeps no
        partnership of (a party's id)."""

    @abc.abstractmethod
    async def recorder(self, event_id: UUID) -> Recorder | None:
        """None for an event no client recorded (learned, released from hold, or older than the audit)."""

    @abc.abstractmethod
    async def audit_facts(self, actor: Actor, events: Sequence[Envelope], at: datetime) -> None: ...


class Policy(abc.ABC):
    @abc.abstractmethod
    async def authorize(
        self, actor: Actor, events: Sequence[Envelope], held: HeldIntent | None, access: AccessPort
    ) -> None:
        """Raises `shared.errors.Forbidden` when `actor` may not record these facts."""

    @abc.abstractmethod
    async def screen(
        self, actor: Actor, command: object, on: date, access: AccessPort, refusal: DomainError | None = None
    ) -> None:
        """Before a domain refusal is answered: raises `Forbidden` when `actor` may not record facts about the
        command's subject at all, so the refusal cannot tell it what the service knows of the subject
        (`refusal`: what the handler answered, so a not-found can be answered as another partnership's id is)."""

    @abc.abstractmethod
    async def learn(self, events: Sequence[Envelope], access: AccessPort) -> None:
        """Keep what later decisions need (memberships) from facts recorded or learned."""
