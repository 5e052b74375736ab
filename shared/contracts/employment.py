"""Employment-stage events."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import Field

from shared.contracts.base import Code, EventPayload, Name, Stage, Yuan


class EmployerRelation(StrEnum):
    SPONSOR = "sponsor"
    PARTNER = "partner"
    OTHER = "other"


class EmployerType(StrEnum):
    STATE_OWNED = "state_owned"
    PRIVATE = "private"
    FOREIGN = "foreign"
    PUBLIC_INSTITUTION = "public_institution"
    OTHER = "other"


class Location(StrEnum):
    EAST = "east"
    HOME_REGION = "home_region"
    ELSEWHERE = "elsewhere"


class ContractType(StrEnum):
    PERMANENT = "permanent"
    FIXED_TERM = "fixed_term"
    PART_TIME = "part_time"
    NONE = "none"


class _EmploymentEvent(EventPayload):
    stage: ClassVar[Stage] = Stage.EMPLOYMENT


class JobOffered(_EmploymentEvent):
    summary: ClassVar[str] = "An employer offered the student a job."
    offer_id: UUID
    employer_name: Name
    employer_credit_code: Code
    monthly_wage: Yuan


class OfferAccepted(_EmploymentEvent):
    summary: ClassVar[str] = "The student accepted an offer."
    offer_id: UUID


class OfferDeclined(_EmploymentEvent):
    summary: ClassVar[str] = "The student declined an offer."
    offer_id: UUID
    reason: str = ""


class Placed(_EmploymentEvent):
    summary: ClassVar[str] = "The student started a job on start_on."
    placement_id: UUID
    employer_name: Name
    employer_credit_code: Code
    relation: EmployerRelation
    employer_type: EmployerType
    location: Location
    related_to_training: bool
    monthly_wage: Yuan
    contract_type: ContractType
    social_insurance: bool
    start_on: date


class FurtherStudyEntered(_EmploymentEvent):
    summary: ClassVar[str] = "The student entered further study on start_on (counts as employed in China)."
    institution: Name
    start_on: date


class RetentionChecked(_EmploymentEvent):
    summary: ClassVar[str] = "A check at a placement's check-point (start + checkpoint_days)."
    placement_id: UUID
    checkpoint_days: int = Field(gt=0)
    still_employed: bool
    same_employer: bool
    monthly_wage: Yuan | None = None


class EmploymentEnded(_EmploymentEvent):
    summary: ClassVar[str] = "The placement ended; last_day is the last day worked."
    placement_id: UUID
    last_day: date
    reason: str = ""


class HouseholdStatusUpdated(_EmploymentEvent):
    summary: ClassVar[str] = "The student's household poverty status from occurred_on; the latest wins."
    poor_household: bool
    status: str = ""
