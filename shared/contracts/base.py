"""Types shared by every event contract (DOMAIN.md, "Events")."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field


class Stage(StrEnum):
    PARTNERSHIP = "partnership"
    RECRUITMENT = "recruitment"
    TRAINING = "training"
    EMPLOYMENT = "employment"
    ANY = "any"
    ASSESSMENT = "assessment"


class Evidence(StrEnum):
    SELF_REPORT = "self_report"
    SCHOOL_RECORD = "school_record"
    EMPLOYER_CONFIRMATION = "employer_confirmation"
    SOCIAL_INSURANCE_RECORD = "social_insurance_record"


# Counting rules, job retention: "stronger evidence wins".
EVIDENCE_STRENGTH: dict[Evidence, int] = {
    Evidence.SELF_REPORT: 0,
    Evidence.SCHOOL_RECORD: 1,
    Evidence.EMPLOYER_CONFIRMATION: 2,
    Evidence.SOCIAL_INSURANCE_RECORD: 3,
}


class Region(StrEnum):
    EAST = "east"
    WEST = "west"


class TaughtBy(StrEnum):
    SCHOOL = "school"
    ENTERPRISE = "enterprise"


Yuan = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
Hours = Annotated[Decimal, Field(gt=0, max_digits=8, decimal_places=2)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Code = Annotated[str, Field(min_length=1, max_length=64)]


class EventPayload(BaseModel):
    """The `data` of one event type at one schema version; envelope fields live in `Envelope`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    stage: ClassVar[Stage]
    version: ClassVar[int] = 1
    summary: ClassVar[str] = ""

    @classmethod
    def type_name(cls) -> str:
        return cls.__name__
