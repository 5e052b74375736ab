"""Training-stage events. Dates inside a payload are business dates, like the envelope's occurred_on."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.base import EventPayload, Hours, Name, Stage, TaughtBy, Yuan


class InternshipOutcome(StrEnum):
    COMPLETED = "completed"
    ENDED_EARLY = "ended_early"


class WithdrawalReason(StrEnum):
    FAMILY = "family"
    HEALTH = "health"
    FINANCIAL = "financial"
    EMPLOYMENT = "employment"
    DISCIPLINE = "discipline"
    OTHER = "other"


class Module(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: Name
    planned_hours: Hours
    taught_by: TaughtBy


class _TrainingEvent(EventPayload):
    stage: ClassVar[Stage] = Stage.TRAINING


class TrainingPlanAgreed(_TrainingEvent):
    summary: ClassVar[str] = "The class's modules, planned hours and who teaches each."
    modules: list[Module] = Field(min_length=1)
    planned_hours: Hours
    enterprise_share: Decimal = Field(ge=0, le=1, decimal_places=4)


class TrainingHoursLogged(_TrainingEvent):
    summary: ClassVar[str] = "Hours taught to the class, by school or enterprise staff; they count once verified."
    log_id: UUID
    module: Name
    hours: Hours
    taught_by: TaughtBy
    logged_by: UUID


class TrainingHoursVerified(_TrainingEvent):
    summary: ClassVar[str] = "A party accepted hours of a log; the latest verification by another party wins."
    log_id: UUID
    hours_accepted: Decimal = Field(ge=0, max_digits=8, decimal_places=2)
    verified_by: UUID


class ProgressReviewHeld(_TrainingEvent):
    summary: ClassVar[str] = "A review of the student's progress."
    outcome: str
    on_track: bool = True


class BreakStarted(_TrainingEvent):
    summary: ClassVar[str] = "The student pauses learning from start_on."
    start_on: date
    reason: str = ""


class BreakEnded(_TrainingEvent):
    summary: ClassVar[str] = "The student is back in learning on end_on (the break's last day is end_on - 1)."
    end_on: date


class TransferredToClass(_TrainingEvent):
    summary: ClassVar[str] = (
        "A new period in another class (of any partnership; the envelope names the new one) starts on start_on."
    )
    from_class_id: UUID
    to_class_id: UUID
    start_on: date


class Restarted(_TrainingEvent):
    summary: ClassVar[str] = "A withdrawn student starts a new period on start_on."
    start_on: date


class Withdrawn(_TrainingEvent):
    summary: ClassVar[str] = "The student left training; last_day is the last day in learning."
    last_day: date
    reason: WithdrawalReason


class InternshipStarted(_TrainingEvent):
    summary: ClassVar[str] = "An internship with a host enterprise started on start_on."
    internship_id: UUID
    host_name: Name
    host_credit_code: str | None = None
    related_to_major: bool
    monthly_pay: Yuan
    start_on: date


class InternshipEnded(_TrainingEvent):
    summary: ClassVar[str] = "An internship ended, completed or early."
    internship_id: UUID
    outcome: InternshipOutcome
    end_on: date


class CertificateAwarded(_TrainingEvent):
    summary: ClassVar[str] = "A certificate was awarded; only one with a skill level counts for certification."
    certificate_id: UUID
    name: Name
    level: str | None = None
    issuer: Name
    awarded_on: date


class Graduated(_TrainingEvent):
    summary: ClassVar[str] = "The student completed training on graduated_on."
    graduated_on: date
