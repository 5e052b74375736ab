"""Response shapes of training's API: what was recorded, and the read side of every resource."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.training.domain.learner import Phase
from services.training.domain.roster import WaitsFor
from shared.contracts.base import Evidence, TaughtBy
from shared.contracts.training import InternshipOutcome, Module


class _Out(BaseModel):
    model_config = ConfigDict(extra="ignore")


class FactRecorded(_Out):
    """The event a command recorded; a repeat with the same Idempotency-Key returns this same answer."""

    event_id: UUID
    type: str = Field(examples=["Withdrawn"])
    occurred_on: date
    recorded_at: datetime
    student_id: UUID | None = None
    class_id: UUID | None = None
    phase: Phase | None = Field(default=None, description="The learner's phase after the command")
    log_id: UUID | None = None
    internship_id: UUID | None = None
    certificate_id: UUID | None = None


class ClassOut(_Out):
    class_id: UUID
    partnership_id: UUID
    name: str
    school_id: UUID
    sponsor_id: UUID
    programme_id: UUID
    major: str
    cohort_year: int
    planned_start: date
    planned_end: date
    opened_on: date
    closed_on: date | None


class PlanOut(_Out):
    event_id: UUID
    class_id: UUID
    modules: list[Module]
    planned_hours: Decimal
    enterprise_share: Decimal
    agreed_on: date
    agreed_by: UUID | None
    retracted: bool


class HoursSummary(_Out):
    """Verified hours count once verified by a party other than the logger (DOMAIN.md, teaching share)."""

    logged: Decimal
    verified_school: Decimal
    verified_enterprise: Decimal
    enterprise_share: Decimal | None = Field(description="Verified enterprise hours over all verified hours")


class ClassDetail(ClassOut):
    plan: PlanOut | None
    hours: HoursSummary
    learners: int


class LearnerOut(_Out):
    student_id: UUID
    partnership_id: UUID
    class_id: UUID
    phase: Phase
    first_start_on: date
    period_start_on: date
    planned_end_on: date | None
    break_start_on: date | None
    last_day: date | None
    graduated_on: date | None


class HoursLogOut(_Out):
    log_id: UUID
    event_id: UUID
    class_id: UUID
    module: str
    hours: Decimal
    taught_by: TaughtBy
    logged_by: UUID
    logged_on: date
    retracted: bool
    hours_accepted: Decimal | None = Field(description="From the latest standing verification; null if none")
    verified_by: UUID | None
    verified_on: date | None
    verification_event_id: UUID | None


class BreakOut(_Out):
    event_id: UUID
    student_id: UUID
    class_id: UUID
    start_on: date
    reason: str
    end_on: date | None
    retracted: bool


class InternshipOut(_Out):
    internship_id: UUID
    event_id: UUID
    student_id: UUID
    class_id: UUID
    host_name: str
    host_credit_code: str | None
    related_to_major: bool
    monthly_pay: Decimal
    start_on: date
    end_on: date | None
    outcome: InternshipOutcome | None
    retracted: bool


class CertificateOut(_Out):
    certificate_id: UUID
    event_id: UUID
    student_id: UUID
    class_id: UUID
    name: str
    level: str | None
    issuer: str
    awarded_on: date
    retracted: bool


class ProgressReviewOut(_Out):
    event_id: UUID
    student_id: UUID
    class_id: UUID
    held_on: date
    outcome: str
    on_track: bool
    retracted: bool


class HeldFactOut(_Out):
    """An inbound fact waiting for the fact it follows; `refused` says why it could not apply when that came."""

    event_id: UUID
    event_type: str
    waits_for: WaitsFor
    waits_for_id: UUID
    refused: str | None
    held_at: datetime


class TimelineEntry(_Out):
    event_id: UUID
    type: str
    occurred_on: date
    recorded_at: datetime
    class_id: UUID | None
    supersedes: UUID | None
    evidence: Evidence
    data: dict[str, Any]
