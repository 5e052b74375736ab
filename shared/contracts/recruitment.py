"""Recruitment-stage events. No personal data: students appear only by pseudonymous id."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID

from shared.contracts.base import EventPayload, Name, Stage


class PoorHouseholdVerification(StrEnum):
    UNVERIFIED = "unverified"
    SELF_DECLARED = "self_declared"
    POVERTY_REGISTRY = "poverty_registry"
    VILLAGE_COMMITTEE = "village_committee"


class Decision(StrEnum):
    ADMITTED = "admitted"
    REJECTED = "rejected"
    WAITLISTED = "waitlisted"


class _RecruitmentEvent(EventPayload):
    stage: ClassVar[Stage] = Stage.RECRUITMENT


class ApplicationSubmittedV1(_RecruitmentEvent):
    """Version 1, kept so old records can be read: it had no verification field."""

    summary: ClassVar[str] = "A student applied to a class (schema version 1)."
    application_id: UUID
    home_region: Name
    poor_household: bool
    prior_education: str
    channel: str

    @classmethod
    def type_name(cls) -> str:
        return "ApplicationSubmitted"


class ApplicationSubmitted(_RecruitmentEvent):
    version: ClassVar[int] = 2
    summary: ClassVar[str] = "A student applied to a class, with the facts metrics need and no personal data."
    application_id: UUID
    home_region: Name
    poor_household: bool
    poor_household_verified_by: PoorHouseholdVerification
    prior_education: str
    channel: str


def upcast_application_submitted_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 could not say how the poor-household flag was checked."""
    return {**data, "poor_household_verified_by": PoorHouseholdVerification.UNVERIFIED.value}


class ApplicationDecided(_RecruitmentEvent):
    summary: ClassVar[str] = "An application was admitted, rejected or waitlisted; the latest decision wins."
    application_id: UUID
    decision: Decision
    reason: str = ""


class StudentEnrolled(_RecruitmentEvent):
    summary: ClassVar[str] = "An admitted student's first period in the class starts on start_on."
    application_id: UUID
    start_on: date
    planned_end_on: date


class EmploymentIntentSigned(_RecruitmentEvent):
    summary: ClassVar[str] = "The student signed the class's hiring commitment."
    employer_id: UUID


class EnrollmentCancelled(_RecruitmentEvent):
    summary: ClassVar[str] = "The enrolment is void: the student counts nowhere."
    reason: str
