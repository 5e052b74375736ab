"""Partnerships: signed, amended, ended; members join and leave; programmes, targets and funding hang off them.

A partnership's current terms are a fold of its PartnershipSigned and the amendments still standing, ordered by
occurred_on, recorded_at, id (DOMAIN.md, counting rules: several facts of one kind, the last wins).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from services.recruitment.domain.errors import DuplicateFact, IllegalMove, ImpossibleFact
from services.recruitment.domain.parties import Party
from shared.contracts.partnership import (
    Comparison,
    FundingRecorded,
    FundingSource,
    MemberJoined,
    MemberLeft,
    PartnershipAmended,
    PartnershipEnded,
    PartnershipKind,
    PartnershipSigned,
    ProgrammeRegistered,
    TargetSet,
)


@dataclass(frozen=True)
class Partnership:
    partnership_id: UUID
    name: str
    kind: PartnershipKind
    valid_from: date
    valid_until: date | None
    parent_id: UUID | None
    retention_checkpoints: tuple[int, ...]
    ended_on: date | None = None

    @classmethod
    def signed(cls, partnership_id: UUID, event: PartnershipSigned) -> Partnership:
        return cls(
            partnership_id,
            event.name,
            event.kind,
            event.valid_from,
            event.valid_until,
            event.parent_id,
            tuple(event.retention_checkpoints),
        )


@dataclass(frozen=True)
class Amendment:
    event_id: UUID
    occurred_on: date
    recorded_at: datetime
    change: PartnershipAmended


@dataclass(frozen=True)
class Membership:
    party_id: UUID
    member_role: str
    joined_on: date


def _check_terms(valid_from: date, valid_until: date | None, checkpoints: Sequence[int] | None) -> None:
    if valid_until is not None and valid_until < valid_from:
        raise ImpossibleFact(f"valid_until {valid_until} is before valid_from {valid_from}")
    if checkpoints is not None and (
        not checkpoints or any(days <= 0 for days in checkpoints) or list(checkpoints) != sorted(set(checkpoints))
    ):
        raise ImpossibleFact("retention_checkpoints must be distinct positive day counts in ascending order")


def check_parent(partnership_id: UUID, parent: Partnership | None, parent_ancestors: Iterable[UUID]) -> None:
    if parent is None:
        return
    if parent.kind is PartnershipKind.PARTNERSHIP:
        raise IllegalMove(f"parent {parent.partnership_id} is a partnership; a parent is an alliance or a programme")
    if parent.ended_on is not None:
        raise IllegalMove(f"parent {parent.partnership_id} ended on {parent.ended_on}")
    if partnership_id == parent.partnership_id or partnership_id in set(parent_ancestors):
        raise IllegalMove(f"partnership {partnership_id} would become its own ancestor")


def sign(event: PartnershipSigned, partnership_id: UUID, parent: Partnership | None) -> PartnershipSigned:
    _check_terms(event.valid_from, event.valid_until, event.retention_checkpoints)
    check_parent(partnership_id, parent, ())
    return event


def check_terms(terms: Partnership) -> None:
    """The terms that result from a correction of the signed agreement or of an amendment."""
    _check_terms(terms.valid_from, terms.valid_until, terms.retention_checkpoints)


def ensure_in_force(partnership: Partnership, on: date) -> None:
    """Classes, members, programmes and targets are added only while the agreement is in force."""
    if partnership.ended_on is not None:
        raise IllegalMove(f"partnership {partnership.partnership_id} ended on {partnership.ended_on}")
    if on < partnership.valid_from or (partnership.valid_until is not None and on > partnership.valid_until):
        raise IllegalMove(f"partnership {partnership.partnership_id} is not valid on {on}")


def amend(
    partnership: Partnership,
    change: PartnershipAmended,
    parent: Partnership | None,
    parent_ancestors: Iterable[UUID],
) -> PartnershipAmended:
    if partnership.ended_on is not None:
        raise IllegalMove(f"partnership {partnership.partnership_id} ended on {partnership.ended_on}")
    if change.model_dump(exclude_none=True) == {}:
        raise ImpossibleFact("an amendment changes at least one field")
    amended = amended_with(partnership, change)
    _check_terms(amended.valid_from, amended.valid_until, change.retention_checkpoints)
    if change.parent_id is not None:
        check_parent(partnership.partnership_id, parent, parent_ancestors)
    return change


def amended_with(partnership: Partnership, change: PartnershipAmended) -> Partnership:
    fields = change.model_dump(exclude_none=True)
    if "retention_checkpoints" in fields:
        fields["retention_checkpoints"] = tuple(fields["retention_checkpoints"])
    return replace(partnership, **fields)


def current_terms(signed: Partnership, amendments: Iterable[Amendment]) -> Partnership:
    ordered = sorted(amendments, key=lambda a: (a.occurred_on, a.recorded_at, a.event_id))
    terms = signed
    for amendment in ordered:
        terms = amended_with(terms, amendment.change)
    return replace(terms, ended_on=signed.ended_on)


def end(partnership: Partnership, on: date, reason: str) -> PartnershipEnded:
    if partnership.ended_on is not None:
        raise IllegalMove(f"partnership {partnership.partnership_id} already ended on {partnership.ended_on}")
    if on < partnership.valid_from:
        raise ImpossibleFact(f"an agreement valid from {partnership.valid_from} cannot end on {on}")
    return PartnershipEnded(reason=reason)


def join(
    partnership: Partnership, party: Party, current: Membership | None, member_role: str, on: date
) -> MemberJoined:
    ensure_in_force(partnership, on)
    if current is not None:
        raise DuplicateFact(f"party {party.party_id} is already a member since {current.joined_on}")
    return MemberJoined(
        party_id=party.party_id,
        party_name=party.name,
        party_role=party.role,
        region=party.region,
        locality=party.locality,
        member_role=member_role,
        credit_code=party.credit_code,
    )


def leave(partnership: Partnership, party_id: UUID, current: Membership | None, on: date, reason: str) -> MemberLeft:
    if current is None:
        raise IllegalMove(f"party {party_id} is not a member of partnership {partnership.partnership_id}")
    if on < current.joined_on:
        raise ImpossibleFact(f"party {party_id} joined on {current.joined_on} and cannot leave on {on}")
    return MemberLeft(party_id=party_id, reason=reason)


def register_programme(partnership: Partnership, programme_id: UUID, name: str, on: date) -> ProgrammeRegistered:
    ensure_in_force(partnership, on)
    return ProgrammeRegistered(programme_id=programme_id, name=name)


def set_target(
    partnership: Partnership,
    target_id: UUID,
    metric: str,
    comparison: Comparison,
    goal: float,
    class_id: UUID | None,
    on: date,
) -> TargetSet:
    if partnership.ended_on is not None:
        raise IllegalMove(f"partnership {partnership.partnership_id} ended on {partnership.ended_on}")
    if goal < 0:
        raise ImpossibleFact("a goal is a count or a rate and cannot be negative")
    return TargetSet(target_id=target_id, metric=metric, comparison=comparison, goal=goal, class_id=class_id)


def check_funding(amount_yuan: Decimal, period_start: date, period_end: date) -> None:
    if amount_yuan <= 0:
        raise ImpossibleFact("funding is a positive amount of yuan")
    if period_end < period_start:
        raise ImpossibleFact(f"period_end {period_end} is before period_start {period_start}")


def record_funding(
    partnership: Partnership,
    funding_id: UUID,
    amount_yuan: Decimal,
    source: FundingSource,
    period_start: date,
    period_end: date,
) -> FundingRecorded:
    """Funding may be recorded after an agreement ended: money spent during it still counts in cost per outcome."""
    check_funding(amount_yuan, period_start, period_end)
    return FundingRecorded(
        funding_id=funding_id, amount_yuan=amount_yuan, source=source, period_start=period_start, period_end=period_end
    )
