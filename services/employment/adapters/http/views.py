"""Response bodies: what the read side and the command answers look like."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from services.employment.domain.rules import PlacementTerms
from services.employment.domain.student import EmploymentStatus
from services.employment.domain.training import TrainingStatus
from shared.contracts.base import Evidence
from shared.contracts.employment import EmployerRelation


class FactAnswer(BaseModel):
    status: Literal["applied", "held"] = Field(
        description="applied (201): the event is recorded; held (202): stored until the graduation reaches"
        " employment, then applied or rejected (see /held-facts/{held_id})"
    )
    type: str = Field(examples=["Placed"])
    subject_id: UUID = Field(description="The offer, placement, further study or check this fact is about")
    event_id: UUID | None = None
    held_id: UUID | None = None
    relation: EmployerRelation | None = Field(default=None, description="For placements: the relation decided")


class StudentOut(BaseModel):
    student_id: UUID
    partnership_id: UUID
    class_id: UUID | None
    training_status: TrainingStatus
    graduated_on: date | None
    withdrawn_last_day: date | None
    employment_status: EmploymentStatus
    current_placement_id: UUID | None
    last_job_ended_on: date | None
    poor_household: bool | None = Field(description="The latest household update, if any (DOMAIN.md order)")
    held_facts: int = Field(description="Facts still held until graduation")


class OfferOut(BaseModel):
    offer_id: UUID
    student_id: UUID
    partnership_id: UUID
    class_id: UUID | None
    employer_name: str
    employer_credit_code: str
    monthly_wage: Decimal
    offered_on: date
    status: Literal["offered", "accepted", "declined"]
    answered_on: date | None
    decline_reason: str | None
    event_id: UUID
    answer_event_id: UUID | None
    recorded_at: datetime


class PlacementOut(PlacementTerms):
    placement_id: UUID
    student_id: UUID
    partnership_id: UUID
    class_id: UUID | None
    relation: EmployerRelation
    relation_claimed: EmployerRelation | None
    last_day: date | None
    end_reason: str | None
    event_id: UUID
    ended_event_id: UUID | None
    recorded_at: datetime


class FurtherStudyOut(BaseModel):
    study_id: UUID
    student_id: UUID
    partnership_id: UUID
    class_id: UUID | None
    institution: str
    start_on: date
    event_id: UUID
    recorded_at: datetime


class RetentionCheckOut(BaseModel):
    check_id: UUID = Field(description="The RetentionChecked event's id")
    placement_id: UUID
    student_id: UUID
    partnership_id: UUID
    checkpoint_days: int
    still_employed: bool
    same_employer: bool
    monthly_wage: Decimal | None
    evidence: Evidence = Field(description="The check's method")
    checked_on: date
    recorded_at: datetime


class DueCheckOut(BaseModel):
    placement_id: UUID
    student_id: UUID
    partnership_id: UUID
    class_id: UUID | None
    employer_name: str
    start_on: date
    checkpoint_days: int
    due_on: date = Field(description="start_on + checkpoint_days")


class HeldFactOut(BaseModel):
    held_id: UUID
    student_id: UUID
    kind: str = Field(examples=["place_student"])
    subject_id: UUID
    status: Literal["held", "applied", "rejected"]
    reason: str | None = Field(description="Why a held fact was rejected")
    event_id: UUID | None = Field(description="The event recorded when it was applied")
    received_at: datetime
    settled_at: datetime | None
    command: dict[str, Any]


class HouseholdUpdateOut(BaseModel):
    event_id: UUID
    student_id: UUID
    partnership_id: UUID
    poor_household: bool
    status: str
    occurred_on: date
    recorded_at: datetime


class SponsoredClassOut(BaseModel):
    class_id: UUID
    sponsor_id: UUID
    sponsor_credit_code: str


class PartnerOut(BaseModel):
    party_id: UUID
    credit_code: str
    joined_on: date
    left_on: date | None


class PartnershipOut(BaseModel):
    partnership_id: UUID
    retention_checkpoints: list[int]
    classes: list[SponsoredClassOut] = []
    partner_enterprises: list[PartnerOut] = []


class TimelineEntry(BaseModel):
    position: int
    event_id: UUID
    type: str
    occurred_on: date
    recorded_at: datetime
    evidence: Evidence
    supersedes: UUID | None
    data: dict[str, Any]
