"""Parties: organisations with a role and a region. They are stored here and travel inside MemberJoined."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from services.recruitment.domain.errors import ImpossibleFact
from services.recruitment.domain.identity import credit_code_problem
from shared.contracts.base import Region
from shared.contracts.partnership import PartyRole


@dataclass(frozen=True)
class Party:
    party_id: UUID
    name: str
    role: PartyRole
    region: Region
    locality: str
    credit_code: str | None = None


def register_party(
    party_id: UUID, name: str, role: PartyRole, region: Region, locality: str, credit_code: str | None
) -> Party:
    """Every enterprise needs its unified social credit code: placements are matched to sponsors by it."""
    if role is PartyRole.ENTERPRISE and credit_code is None:
        raise ImpossibleFact("an enterprise needs its unified social credit code")
    if credit_code is not None and (problem := credit_code_problem(credit_code)):
        raise ImpossibleFact(problem)
    return Party(party_id, name, role, region, locality, credit_code)


def require_role(party: Party, role: PartyRole, as_what: str) -> None:
    if party.role is not role:
        raise ImpossibleFact(f"{as_what} must be a {role.value}, party {party.party_id} is a {party.role.value}")
