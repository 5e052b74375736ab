"""The audit trail's records: who (client, party, role), what (an event's id and type, a read, a credential
change), when, and from which address. Ids and types only, never a payload, so nothing personal is kept."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from shared.contracts.envelope import Envelope
from shared.security.identity import Actor, Role

MAX_OPERATION_LENGTH = 300
MAX_QUERY_LIMIT = 10_000


class AuditAction(StrEnum):
    TOKEN_ISSUED = "token_issued"
    TOKEN_REFUSED = "token_refused"
    CLIENT_ADDED = "client_added"
    CLIENT_ROTATED = "client_rotated"
    CLIENT_REVOKED = "client_revoked"
    FACT_RECORDED = "fact_recorded"
    READ = "read"
    COMMAND = "command"


@dataclass(frozen=True)
class AuditEntry:
    """`operation` names a read or a tool ("GET /partnerships/…/figures", "cycle clients add"); `detail` is a
    fixed phrase (why a token was refused), never text a caller sent."""

    at: datetime
    action: AuditAction
    client_id: str | None = None
    party_id: UUID | None = None
    role: Role | None = None
    event_id: UUID | None = None
    event_type: str | None = None
    partnership_id: UUID | None = None
    operation: str | None = None
    address: str | None = None
    detail: str | None = None

    @classmethod
    def by(
        cls,
        actor: Actor | None,
        action: AuditAction,
        at: datetime,
        *,
        operation: str | None = None,
        address: str | None = None,
        detail: str | None = None,
    ) -> AuditEntry:
        if actor is None:
            return cls(at=at, action=action, operation=operation, address=address, detail=detail)
        return cls(
            at=at, action=action, client_id=actor.client_id, party_id=actor.party_id, role=actor.role,
            operation=operation, address=address, detail=detail,
        )  # fmt: skip

    @classmethod
    def of_fact(cls, actor: Actor, event: Envelope, at: datetime, address: str | None) -> AuditEntry:
        """Built in one call: a bulk import makes one per fact."""
        return cls(
            at=at, action=AuditAction.FACT_RECORDED, client_id=actor.client_id, party_id=actor.party_id,
            role=actor.role, event_id=event.id, event_type=event.type, partnership_id=event.partnership_id,
            address=address,
        )  # fmt: skip

    @classmethod
    def of_request(cls, actor: Actor, method: str, path: str, at: datetime, address: str | None) -> AuditEntry:
        """A read (GET, HEAD) or a command as it arrived; `path` without its query string, so ids only, never a
        searched-for value. The facts a command records get rows of their own (`of_fact`)."""
        action = AuditAction.READ if method in ("GET", "HEAD") else AuditAction.COMMAND
        return cls.by(actor, action, at, operation=f"{method} {path}"[:MAX_OPERATION_LENGTH], address=address)


@dataclass(frozen=True)
class AuditQuery:
    client_id: str | None = None
    party_id: UUID | None = None
    action: AuditAction | None = None
    event_type: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 100

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_QUERY_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_QUERY_LIMIT}")


def address_or_none(host: str | None) -> str | None:
    """The caller's IP address as the table stores it (inet), or None for a host that is not one."""
    try:
        return str(ipaddress.ip_address(host or ""))
    except ValueError:
        return None
