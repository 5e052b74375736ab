"""What employment knows of a partnership from partnership events: check-points, class sponsors, partners.

DOMAIN.md: sponsor/partner is decided by the employer's unified social credit code, which wins over a flag;
job retention is checked at each partnership's check-points, 90, 180 and 365 days unless it says otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from services.employment.domain.facts import UpstreamFact
from shared.contracts.employment import EmployerRelation
from shared.contracts.partnership import (
    ClassOpened,
    MemberJoined,
    MemberLeft,
    PartnershipAmended,
    PartnershipSigned,
    PartyRole,
)

DEFAULT_CHECKPOINTS: tuple[int, ...] = (90, 180, 365)
PARTNERSHIP_EVENTS = frozenset(
    cls.__name__ for cls in (PartnershipSigned, PartnershipAmended, MemberJoined, MemberLeft, ClassOpened)
)


def normalize_code(code: str) -> str:
    return code.strip().upper()


@dataclass(frozen=True)
class Partner:
    party_id: UUID
    credit_code: str
    joined_on: date
    left_on: date | None = None

    def member_on(self, day: date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day < self.left_on)


@dataclass(frozen=True)
class SponsoredClass:
    class_id: UUID
    sponsor_id: UUID
    sponsor_credit_code: str


@dataclass(frozen=True)
class PartnershipKnowledge:
    partnership_id: UUID
    checkpoints: tuple[int, ...]
    classes: tuple[SponsoredClass, ...]
    partners: tuple[Partner, ...]


def _checkpoints(facts: Sequence[UpstreamFact]) -> tuple[int, ...]:
    checkpoints = DEFAULT_CHECKPOINTS
    for fact in sorted(facts, key=lambda f: f.order):
        payload = fact.payload
        if isinstance(payload, PartnershipSigned | PartnershipAmended) and payload.retention_checkpoints:
            checkpoints = tuple(sorted(set(payload.retention_checkpoints)))
    return checkpoints


def fold_partnership(partnership_id: UUID, facts: Sequence[UpstreamFact]) -> PartnershipKnowledge:
    """Facts of one partnership (see facts.effective): the latest agreement's check-points win."""
    classes: dict[UUID, SponsoredClass] = {}
    partners: dict[UUID, Partner] = {}
    for fact in facts:
        match fact.payload:
            case ClassOpened(class_id=class_id, sponsor_id=sponsor, sponsor_credit_code=code):
                classes[class_id] = SponsoredClass(class_id, sponsor, normalize_code(code))
            case MemberJoined(party_id=party, party_role=PartyRole.ENTERPRISE, credit_code=str(code)):
                partners[party] = Partner(party, normalize_code(code), fact.occurred_on)
            case MemberLeft(party_id=party) if party in partners:
                joined = partners[party]
                partners[party] = Partner(party, joined.credit_code, joined.joined_on, fact.occurred_on)
    return PartnershipKnowledge(partnership_id, _checkpoints(facts), tuple(classes.values()), tuple(partners.values()))


def decide_relation(
    credit_code: str, sponsor_credit_code: str | None, partners: Sequence[Partner], start_on: date
) -> EmployerRelation:
    """The class's sponsor, else an enterprise that was a partner member on the first day of work, else other."""
    code = normalize_code(credit_code)
    if sponsor_credit_code is not None and code == normalize_code(sponsor_credit_code):
        return EmployerRelation.SPONSOR
    if any(p.credit_code == code and p.member_on(start_on) for p in partners):
        return EmployerRelation.PARTNER
    return EmployerRelation.OTHER
