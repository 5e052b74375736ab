"""Response models: what callers read. No model here has a field for a national ID or a full name."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from services.recruitment.domain.classes import ClassPlan
from shared.contracts.base import Evidence


class Recorded(BaseModel):
    event_id: UUID = Field(description="The id of the event recorded; use it to correct or retract the fact.")
    type: str = Field(examples=["PartnershipSigned"])


class PartnershipRecorded(Recorded):
    partnership_id: UUID


class MemberRecorded(PartnershipRecorded):
    party_id: UUID


class ProgrammeRecorded(PartnershipRecorded):
    programme_id: UUID


class TargetRecorded(PartnershipRecorded):
    target_id: UUID


class FundingRecordedOut(PartnershipRecorded):
    funding_id: UUID


class ClassRecorded(Recorded):
    class_id: UUID


class ApplicationRecorded(Recorded):
    application_id: UUID
    student_id: UUID = Field(description="Pseudonymous; the same for every application with one national ID.")


class EnrolmentRecorded(Recorded):
    enrolment_id: UUID
    student_id: UUID


class ExclusionRecorded(Recorded):
    exclusion_id: UUID
    student_id: UUID


class PartyRegistered(BaseModel):
    party_id: UUID


class PartyOut(BaseModel):
    party_id: UUID
    name: str
    role: str
    region: str
    locality: str
    credit_code: str | None
    created_at: datetime


class PartnershipOut(BaseModel):
    partnership_id: UUID
    name: str
    kind: str
    valid_from: date
    valid_until: date | None
    parent_id: UUID | None
    east_region: str | None
    west_region: str | None
    retention_checkpoints: list[int]
    signed_on: date
    ended_on: date | None
    end_reason: str | None
    status: str = Field(examples=["active"], description="active or ended")


class MemberOut(BaseModel):
    partnership_id: UUID
    party_id: UUID
    party_name: str
    party_role: str
    region: str
    locality: str
    member_role: str
    joined_on: date
    left_on: date | None
    current: bool


class ProgrammeOut(BaseModel):
    programme_id: UUID
    partnership_id: UUID
    name: str
    registered_on: date


class TargetOut(BaseModel):
    target_id: UUID
    partnership_id: UUID
    metric: str
    comparison: str
    goal: float
    class_id: UUID | None
    set_on: date
    recorded_at: datetime


class FundingOut(BaseModel):
    funding_id: UUID
    partnership_id: UUID
    amount_yuan: Decimal
    source: str
    period_start: date
    period_end: date
    recorded_on: date


class ClassOut(ClassPlan):
    partnership_id: UUID
    programme_id: UUID
    school_id: UUID
    sponsor_id: UUID
    sponsor_credit_code: str
    opened_on: date
    closed_on: date | None
    status: str = Field(examples=["open"], description="open or closed")
    enrolled: int = Field(description="Live (not cancelled) enrolments.")


class ApplicationOut(BaseModel):
    application_id: UUID
    student_id: UUID
    class_id: UUID
    partnership_id: UUID
    home_region: str
    poor_household: bool
    verified_by: str
    prior_education: str
    channel: str
    applied_on: date
    recorded_at: datetime
    decision: str | None = Field(description="The latest decision, if any.")
    reason: str | None
    status: str = Field(
        examples=["admitted"], description="undecided, waitlisted, admitted, rejected, enrolled or cancelled"
    )


class EnrolmentOut(BaseModel):
    enrolment_id: UUID
    application_id: UUID
    student_id: UUID
    class_id: UUID
    partnership_id: UUID
    start_on: date
    planned_end_on: date
    enrolled_on: date
    cancelled_on: date | None
    cancel_reason: str | None
    status: str = Field(examples=["enrolled"], description="enrolled or cancelled")
    intent_employer_id: UUID | None
    intent_signed_on: date | None


class StudentListed(BaseModel):
    student_id: UUID
    home_region: str
    created_at: datetime


class StudentOut(StudentListed):
    masked_name: str = Field(examples=["王**"], description="First character of each word; the rest starred.")
    enrolment: EnrolmentOut | None = Field(description="The live enrolment, if any.")
    excluded: bool


class StudentFound(BaseModel):
    student_id: UUID


class ExclusionOut(BaseModel):
    exclusion_id: UUID
    student_id: UUID
    partnership_id: UUID
    reason: str
    applied_on: date
    revoked_on: date | None
    standing: bool


class TimelineEntry(BaseModel):
    event_id: UUID
    type: str
    version: int
    occurred_on: date
    recorded_at: datetime
    partnership_id: UUID
    class_id: UUID | None
    evidence: Evidence
    supersedes: UUID | None
    data: dict[str, Any]
