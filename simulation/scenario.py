"""A programme as plain data: who signed what, which classes opened, and every student's facts in causal order.

Every fact has a scenario-wide `key` (the driver turns it into ids and Idempotency-Keys) and an `occurred_on`
business date; names follow the events of shared/DOMAIN.md. Nothing here talks to a service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulation.facts import StudentFact

SCHOOL_RECORD = "school_record"
EMPLOYER_CONFIRMATION = "employer_confirmation"
SELF_REPORT = "self_report"
SOCIAL_INSURANCE_RECORD = "social_insurance_record"


@dataclass(frozen=True, slots=True)
class Party:
    key: str
    name: str
    role: str  # government | school | enterprise | association | research_institute | overseas
    region: str  # east | west
    locality: str
    credit_code: str | None = None
    state_owned: bool = False


@dataclass(frozen=True, slots=True)
class Membership:
    party: str
    member_role: str
    joined_on: date
    left_on: date | None = None


@dataclass(frozen=True, slots=True)
class Programme:
    key: str
    name: str
    registered_on: date


@dataclass(frozen=True, slots=True)
class Target:
    key: str
    metric: str
    comparison: str  # at_least | at_most
    goal: float
    set_on: date
    class_key: str | None = None


@dataclass(frozen=True, slots=True)
class Funding:
    key: str
    amount_yuan: Decimal
    source: str
    period_start: date
    period_end: date
    recorded_on: date


@dataclass(frozen=True, slots=True)
class Reparented:
    """A PartnershipAmended that moves the partnership under another parent from `occurred_on`."""

    key: str
    occurred_on: date
    parent: str


@dataclass(slots=True)
class Partnership:
    key: str
    name: str
    kind: str  # partnership | alliance | programme
    signed_on: date
    valid_from: date
    valid_until: date | None = None
    parent: str | None = None
    east_region: str | None = None
    west_region: str | None = None
    checkpoints: tuple[int, ...] = (90, 180, 365)
    members: list[Membership] = field(default_factory=list)
    programmes: list[Programme] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    funding: list[Funding] = field(default_factory=list)
    amendments: list[Reparented] = field(default_factory=list)
    corrections: list[EventCorrected] = field(default_factory=list)  # of its funding records
    ended_on: date | None = None


@dataclass(frozen=True, slots=True)
class Module:
    name: str
    planned_hours: Decimal
    taught_by: str  # school | enterprise


@dataclass(frozen=True, slots=True)
class SchoolClass:
    key: str
    partnership: str
    programme: str
    school: str
    sponsor: str
    name: str
    major: str
    seats: int
    cohort_year: int
    planned_start: date
    planned_end: date
    hiring_commitment: int
    opened_on: date
    modules: tuple[Module, ...]
    closed_on: date | None = None


# Class-level facts of the training stage: hours logs and their verifications.
@dataclass(frozen=True, slots=True)
class HoursLogged:
    key: str
    occurred_on: date
    class_key: str
    module: str
    hours: Decimal
    taught_by: str
    logged_by: str  # party key


@dataclass(frozen=True, slots=True)
class HoursVerified:
    key: str
    occurred_on: date
    class_key: str
    log: str
    hours_accepted: Decimal
    verified_by: str  # party key


# Facts any stage may hold, about a student or a class.
@dataclass(frozen=True, slots=True)
class EventCorrected:
    key: str
    occurred_on: date
    target: str
    fields: dict[str, Any]
    reason: str
    evidence: str = SCHOOL_RECORD


@dataclass(frozen=True, slots=True)
class EventRetracted:
    key: str
    occurred_on: date
    target: str
    reason: str
    evidence: str = SCHOOL_RECORD


@dataclass(frozen=True, slots=True)
class ExclusionApplied:
    key: str
    occurred_on: date
    reason: str  # death | long_illness | military_service
    evidence: str = SCHOOL_RECORD


@dataclass(frozen=True, slots=True)
class ExclusionRevoked:
    key: str
    occurred_on: date
    reason: str
    evidence: str = SCHOOL_RECORD


ClassFact = HoursLogged | HoursVerified | EventCorrected | EventRetracted


@dataclass(frozen=True, slots=True)
class Person:
    """Personal data: it goes to the recruitment service only and never into a metric."""

    name: str
    national_id: str
    household_registration: str


@dataclass(slots=True)
class Student:
    key: str
    partnership: str
    person: Person
    facts: list[StudentFact]  # in causal order
    story: tuple[str, ...] = ()  # which edge cases the generator gave this student (for tests and reports)


@dataclass(slots=True)
class Scenario:
    name: str
    seed: int
    generated_on: date  # the simulated "today": no fact is dated after it
    parties: dict[str, Party]
    partnerships: list[Partnership]
    classes: list[SchoolClass]
    class_facts: list[ClassFact]
    students: list[Student]
    notes: dict[str, Any] = field(default_factory=dict)
    # When each fact was recorded (simulation/recording.py), posted through the operator import; empty when the
    # facts are posted as live commands, each recorded when it arrives.
    recorded: dict[str, datetime] = field(default_factory=dict)

    def partnership(self, key: str) -> Partnership:
        return next(p for p in self.partnerships if p.key == key)

    def fact_count(self) -> int:
        """Every fact the scenario records (party registrations are not facts: they emit no event)."""
        per_partnership = sum(
            1
            + len(p.members)
            + sum(1 for m in p.members if m.left_on)
            + len(p.programmes)
            + len(p.targets)
            + len(p.funding)
            + len(p.amendments)
            + len(p.corrections)
            + (1 if p.ended_on else 0)
            for p in self.partnerships
        )
        per_class = sum(3 if c.closed_on else 2 for c in self.classes)  # opened, plan agreed, closed
        return per_partnership + per_class + len(self.class_facts) + sum(len(s.facts) for s in self.students)
