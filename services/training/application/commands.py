"""Intents training accepts over HTTP and through the operator import; each has one handler in `handlers/`.

When a command is recorded is not part of it: the pipeline's Context carries that (the clock's reading, or an
imported fact's original time). A business date left out (None) means that day in Asia/Shanghai.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

from services.training.domain.records import InternshipTerms
from shared.contracts.base import Evidence, TaughtBy
from shared.contracts.training import InternshipOutcome, Module, WithdrawalReason


@dataclass(frozen=True, kw_only=True)
class Command:
    evidence: Evidence = Evidence.SCHOOL_RECORD


@dataclass(frozen=True, kw_only=True)
class LearnerCommand(Command):
    student_id: UUID


@dataclass(frozen=True, kw_only=True)
class AgreePlan(Command):
    class_id: UUID
    modules: list[Module]
    agreed_on: date | None = None
    agreed_by: UUID | None = None


@dataclass(frozen=True, kw_only=True)
class LogHours(Command):
    class_id: UUID
    module: str
    hours: Decimal
    taught_by: TaughtBy
    logged_by: UUID
    logged_on: date | None = None
    log_id: UUID = field(default_factory=uuid4)


@dataclass(frozen=True, kw_only=True)
class VerifyHours(Command):
    log_id: UUID
    hours_accepted: Decimal
    verified_by: UUID
    verified_on: date | None = None


@dataclass(frozen=True, kw_only=True)
class HoldProgressReview(LearnerCommand):
    outcome: str
    on_track: bool
    held_on: date | None = None
    reviewed_by: UUID | None = None


@dataclass(frozen=True, kw_only=True)
class StartBreak(LearnerCommand):
    start_on: date
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class EndBreak(LearnerCommand):
    end_on: date


@dataclass(frozen=True, kw_only=True)
class TransferToClass(LearnerCommand):
    to_class_id: UUID
    start_on: date


@dataclass(frozen=True, kw_only=True)
class Restart(LearnerCommand):
    start_on: date
    class_id: UUID | None = None


@dataclass(frozen=True, kw_only=True)
class Withdraw(LearnerCommand):
    last_day: date
    reason: WithdrawalReason


@dataclass(frozen=True, kw_only=True)
class Graduate(LearnerCommand):
    graduated_on: date


@dataclass(frozen=True, kw_only=True)
class StartInternship(LearnerCommand, InternshipTerms):
    start_on: date
    internship_id: UUID = field(default_factory=uuid4)


@dataclass(frozen=True, kw_only=True)
class EndInternship(LearnerCommand):
    internship_id: UUID
    outcome: InternshipOutcome
    end_on: date


@dataclass(frozen=True, kw_only=True)
class AwardCertificate(LearnerCommand):
    name: str
    level: str | None = None
    issuer: str
    awarded_on: date
    issuer_id: UUID | None = None
    certificate_id: UUID = field(default_factory=uuid4)
