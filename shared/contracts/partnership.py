"""Partnership-stage events: agreements, members, programmes, classes, funding (published by recruitment)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import Field

from shared.contracts.base import Code, EventPayload, Name, Region, Stage, Yuan


class PartnershipKind(StrEnum):
    PARTNERSHIP = "partnership"
    ALLIANCE = "alliance"
    PROGRAMME = "programme"


class PartyRole(StrEnum):
    GOVERNMENT = "government"
    SCHOOL = "school"
    ENTERPRISE = "enterprise"
    ASSOCIATION = "association"
    RESEARCH_INSTITUTE = "research_institute"
    OVERSEAS = "overseas"


class Comparison(StrEnum):
    AT_LEAST = "at_least"
    AT_MOST = "at_most"


class FundingSource(StrEnum):
    FISCAL_POVERTY_ALLEVIATION = "fiscal_poverty_alleviation"
    ENTERPRISE = "enterprise"
    SCHOOL = "school"
    OTHER = "other"


class _PartnershipEvent(EventPayload):
    stage: ClassVar[Stage] = Stage.PARTNERSHIP


class PartnershipSigned(_PartnershipEvent):
    summary: ClassVar[str] = "A cooperation agreement (or an alliance or city-level programme) was signed."
    name: Name
    kind: PartnershipKind = PartnershipKind.PARTNERSHIP
    valid_from: date
    valid_until: date | None = None
    parent_id: UUID | None = None
    east_region: str | None = None
    west_region: str | None = None
    retention_checkpoints: list[int] = Field(default=[90, 180, 365], min_length=1)


class PartnershipAmended(_PartnershipEvent):
    summary: ClassVar[str] = "Fields of an agreement changed from occurred_on; omitted fields stay as they were."
    name: Name | None = None
    valid_until: date | None = None
    parent_id: UUID | None = None
    retention_checkpoints: list[int] | None = None


class PartnershipEnded(_PartnershipEvent):
    summary: ClassVar[str] = "The agreement ended; its history stays in every roll-up."
    reason: str


class MemberJoined(_PartnershipEvent):
    summary: ClassVar[str] = "A party joined the partnership in a role."
    party_id: UUID
    party_name: Name
    party_role: PartyRole
    region: Region
    locality: str
    member_role: str = "member"
    credit_code: Code | None = None


class MemberLeft(_PartnershipEvent):
    summary: ClassVar[str] = "A party left the partnership."
    party_id: UUID
    reason: str = ""


class TargetSet(_PartnershipEvent):
    summary: ClassVar[str] = "A goal for one metric; the latest target for a metric and scope wins."
    target_id: UUID
    metric: Code
    comparison: Comparison
    goal: float
    class_id: UUID | None = None


class ProgrammeRegistered(_PartnershipEvent):
    summary: ClassVar[str] = "A programme (brand) was registered under the partnership."
    programme_id: UUID
    name: Name


class ClassOpened(_PartnershipEvent):
    summary: ClassVar[str] = "An ordered class opened at a school, sponsored by an enterprise."
    class_id: UUID
    name: Name
    school_id: UUID
    sponsor_id: UUID
    sponsor_credit_code: Code
    programme_id: UUID
    major: Name
    seats: int = Field(gt=0)
    cohort_year: int = Field(ge=2000, le=2100)
    planned_start: date
    planned_end: date
    hiring_commitment: int = Field(ge=0)


class ClassClosed(_PartnershipEvent):
    summary: ClassVar[str] = "The class closed; it stays in every count from its opening date."
    class_id: UUID


class FundingRecorded(_PartnershipEvent):
    summary: ClassVar[str] = "Money spent on the partnership's training in a period."
    funding_id: UUID
    amount_yuan: Yuan
    source: FundingSource
    period_start: date
    period_end: date
