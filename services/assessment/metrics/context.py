"""What a partnership's own record says as of an instant: classes, partners, check-points, parent, targets."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from services.assessment.facts import Fact
from services.assessment.metrics.catalog import MetricVersion


@dataclass(frozen=True, slots=True)
class ClassInfo:
    class_id: bytes
    seats: int
    programme_id: bytes | None
    cohort_year: int | None
    sponsor_credit_code: str | None
    closed: bool


@dataclass(frozen=True, slots=True)
class Target:
    target_id: bytes
    metric: str
    comparison: str
    goal: float
    class_id: bytes | None


@dataclass(frozen=True, slots=True)
class Funding:
    amount_cents: int
    period_start: int
    period_end: int

    @property
    def label(self) -> str:
        from datetime import date

        return f"{date.fromordinal(self.period_start)}..{date.fromordinal(self.period_end)}"


@dataclass(frozen=True, slots=True)
class PartnershipContext:
    checkpoints: tuple[int, ...]
    classes: dict[bytes, ClassInfo] = field(default_factory=dict)
    partner_codes: frozenset[str] = frozenset()
    parent_id: UUID | None = None
    targets: tuple[Target, ...] = ()
    funding: tuple[Funding, ...] = ()
    kind: str = "partnership"


def context_of(facts: list[Fact], version: MetricVersion) -> PartnershipContext:
    """`facts` are the resolved facts of the partnership record (see `resolve`)."""
    ordered = sorted(facts, key=lambda f: f.sort_key)
    checkpoints: tuple[int, ...] = version.default_checkpoints
    parent: bytes | None = None
    kind = "partnership"
    opened: dict[bytes, Fact] = {}
    closed: set[bytes] = set()
    members: dict[bytes, Fact] = {}
    targets: dict[tuple[str, bytes | None], Target] = {}
    funding: list[Funding] = []
    for fact in ordered:
        if fact.kind == "PartnershipSigned":
            kind = fact.get("kind") or kind
            parent = fact.get("parent_id") or parent
            checkpoints = fact.get("retention_checkpoints") or checkpoints
        elif fact.kind == "PartnershipAmended":
            parent = fact.get("parent_id") or parent
            checkpoints = fact.get("retention_checkpoints") or checkpoints
        elif fact.kind in ("MemberJoined", "MemberLeft"):
            members[fact.get("party_id")] = fact
        elif fact.kind == "TargetSet":
            target = Target(
                fact.get("target_id"),
                fact.get("metric"),
                fact.get("comparison"),
                fact.get("goal"),
                fact.get("class_id"),
            )
            targets[(target.metric, target.class_id)] = target
        elif fact.kind == "ClassOpened":
            opened[fact.get("class_id")] = fact
        elif fact.kind == "ClassClosed":
            closed.add(fact.get("class_id"))
        elif fact.kind == "FundingRecorded":
            funding.append(Funding(fact.get("amount_yuan"), fact.get("period_start"), fact.get("period_end")))
    classes = {
        class_id: ClassInfo(
            class_id,
            fact.get("seats"),
            fact.get("programme_id"),
            fact.get("cohort_year"),
            fact.get("sponsor_credit_code"),
            class_id in closed,
        )
        for class_id, fact in opened.items()
    }
    partner_codes = frozenset(
        f.get("credit_code")
        for f in members.values()
        if f.kind == "MemberJoined" and f.get("party_role") == "enterprise" and f.get("credit_code")
    )
    return PartnershipContext(
        checkpoints=tuple(sorted(set(checkpoints))),
        classes=classes,
        partner_codes=partner_codes,
        parent_id=UUID(bytes=parent) if parent else None,
        targets=tuple(targets.values()),
        funding=tuple(funding),
        kind=kind,
    )


def parent_history(facts: list[Fact]) -> list[tuple[int, UUID]]:
    """(from business date, parent) pairs: DOMAIN.md roll-ups use the parent on D."""
    history: list[tuple[int, UUID]] = []
    for fact in sorted(facts, key=lambda f: f.sort_key):
        if fact.kind in ("PartnershipSigned", "PartnershipAmended") and fact.get("parent_id"):
            history.append((fact.occurred_on, UUID(bytes=fact.get("parent_id"))))
    return history
