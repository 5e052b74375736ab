"""Clients, the parties they speak for, and the actor a verified token stands for.

A party's role is the role it has in the partnership events (shared/contracts/partnership.py `PartyRole`), so
a scope check compares a client's role with a `MemberJoined.party_role` directly; operators belong to no party.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from shared.contracts.partnership import PartyRole


class Role(StrEnum):
    GOVERNMENT = "government"
    SCHOOL = "school"
    ENTERPRISE = "enterprise"
    ASSOCIATION = "association"
    RESEARCH_INSTITUTE = "research_institute"
    OVERSEAS = "overseas"
    OPERATOR = "operator"

    @property
    def party_role(self) -> PartyRole | None:
        return None if self is Role.OPERATOR else PartyRole(self.value)


class Scope(StrEnum):
    """Grants beyond what a role implies; a client holds only those it was given when added."""

    PERSONAL_DATA = "personal_data"
    IMPORT = "import"


SCOPE_DESCRIPTIONS: dict[str, str] = {
    Scope.PERSONAL_DATA: "Read names and national IDs (recruitment only)",
    Scope.IMPORT: (
        "Import facts with their original recorded_at: an operator's client any fact, a party's client the facts"
        " its role and memberships let it record"
    ),
}


@dataclass(frozen=True)
class Actor:
    """Who is calling, as a verified access token says: what the pipeline's Context carries."""

    client_id: str
    party_id: UUID | None
    role: Role
    scopes: frozenset[Scope]

    @property
    def is_operator(self) -> bool:
        return self.role is Role.OPERATOR

    def may(self, scope: Scope) -> bool:
        return scope in self.scopes


@dataclass(frozen=True)
class Client:
    """A credential of one party (or of the operators). `generation` counts secrets: rotating starts a new one,
    and tokens of an earlier generation stop working with the old secret."""

    client_id: str
    party_id: UUID | None
    role: Role
    name: str
    scopes: frozenset[Scope]
    secret_hash: str
    created_at: datetime
    generation: int = 1
    rotated_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def acting(self, scopes: frozenset[Scope]) -> Actor:
        return Actor(self.client_id, self.party_id, self.role, scopes)
