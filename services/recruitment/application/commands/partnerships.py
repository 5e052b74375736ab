"""Intents about parties, partnerships, programmes, classes, targets and funding."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.recruitment.application.commands.base import Fact, own_id
from shared.contracts.base import Code, Name, Region, Yuan
from shared.contracts.partnership import Comparison, FundingSource, PartnershipKind, PartyRole

PARTY_ID = UUID("5b0f6f0e-2c1a-4f8e-9d61-0c6e8b1c2a01")
PARTNERSHIP_ID = UUID("0d4c8a52-8a43-4c5e-b0b6-6f5e3a1d9c10")
PROGRAMME_ID = UUID("8a7e6d5c-4b3a-4921-8f0e-1d2c3b4a5968")
SCHOOL_ID = UUID("2f1e0d9c-8b7a-4654-a321-0fedcba98765")
SPONSOR_ID = UUID("6c5b4a39-2817-4f6e-8d5c-4b3a29181706")


class PartyIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    party_id: UUID | None = own_id("party")
    name: Name = Field(examples=["Bijie Vocational and Technical College"])
    role: PartyRole = Field(examples=[PartyRole.SCHOOL])
    region: Region = Field(examples=[Region.WEST])
    locality: Name = Field(description="City or county, e.g. Guangzhou, Huadu, Bijie, Anshun.", examples=["Bijie"])
    credit_code: Code | None = Field(
        default=None,
        description="Unified social credit code (GB 32100-2015, 18 characters); required of an enterprise.",
        examples=["91440101MA59UQ3L00"],
    )


class PartnershipIn(Fact):
    partnership_id: UUID | None = own_id("partnership")
    name: Name = Field(examples=["Guangzhou-Bijie East-West cooperation agreement 2025"])
    kind: PartnershipKind = PartnershipKind.PARTNERSHIP
    valid_from: date = Field(examples=["2025-01-01"])
    valid_until: date | None = Field(default=None, examples=["2027-12-31"])
    parent_id: UUID | None = Field(default=None, description="The alliance or city-level programme it belongs to.")
    east_region: Name | None = Field(default=None, examples=["Guangzhou"])
    west_region: Name | None = Field(default=None, examples=["Bijie"])
    retention_checkpoints: list[int] = Field(
        default=[90, 180, 365], min_length=1, description="Days after placement when retention is checked."
    )


class AmendmentIn(Fact):
    name: Name | None = None
    valid_until: date | None = Field(default=None, examples=["2028-12-31"])
    parent_id: UUID | None = None
    retention_checkpoints: list[int] | None = Field(default=None, examples=[[90, 180, 365, 730]])


class EndingIn(Fact):
    reason: Name = Field(examples=["agreement expired"])


class MemberIn(Fact):
    party_id: UUID = Field(examples=[PARTY_ID])
    member_role: Name = Field(default="member", examples=["lead school"])


class LeavingIn(Fact):
    reason: str = Field(default="", max_length=500, examples=["left the alliance"])


class TargetIn(Fact):
    target_id: UUID | None = own_id("target")
    metric: Code = Field(examples=["employment_rate"])
    comparison: Comparison = Field(examples=[Comparison.AT_LEAST])
    goal: float = Field(ge=0, examples=[0.95])
    class_id: UUID | None = Field(default=None, description="Set for a class-level target.")


class ProgrammeIn(Fact):
    programme_id: UUID | None = own_id("programme")
    name: Name = Field(examples=["Guangdong Technicians"])


class ClassIn(Fact):
    class_id: UUID | None = own_id("class")
    partnership_id: UUID = Field(examples=[PARTNERSHIP_ID])
    programme_id: UUID = Field(examples=[PROGRAMME_ID])
    school_id: UUID = Field(examples=[SCHOOL_ID])
    sponsor_id: UUID = Field(examples=[SPONSOR_ID])
    name: Name = Field(examples=["Xinwanda Electronics ordered class 2025"])
    major: Name = Field(examples=["Electronic assembly"])
    seats: int = Field(gt=0, le=10_000, examples=[40])
    cohort_year: int = Field(ge=2000, le=2100, examples=[2025])
    planned_start: date = Field(examples=["2025-09-01"])
    planned_end: date = Field(examples=["2027-06-30"])
    hiring_commitment: int = Field(ge=0, examples=[40], description="Students the sponsor commits to hire.")


class ClosingIn(Fact):
    pass


class FundingIn(Fact):
    funding_id: UUID | None = own_id("funding record")
    amount_yuan: Yuan = Field(examples=[Decimal("480000.00")])
    source: FundingSource = Field(examples=[FundingSource.FISCAL_POVERTY_ALLEVIATION])
    period_start: date = Field(examples=["2025-01-01"])
    period_end: date = Field(examples=["2025-12-31"])


class RegisterParty(PartyIn):
    type: Literal["RegisterParty"] = "RegisterParty"


class SignPartnership(PartnershipIn):
    type: Literal["SignPartnership"] = "SignPartnership"


class AmendPartnership(AmendmentIn):
    type: Literal["AmendPartnership"] = "AmendPartnership"
    partnership_id: UUID


class EndPartnership(EndingIn):
    type: Literal["EndPartnership"] = "EndPartnership"
    partnership_id: UUID


class AdmitMember(MemberIn):
    type: Literal["AdmitMember"] = "AdmitMember"
    partnership_id: UUID


class RemoveMember(LeavingIn):
    type: Literal["RemoveMember"] = "RemoveMember"
    partnership_id: UUID
    party_id: UUID


class SetTarget(TargetIn):
    type: Literal["SetTarget"] = "SetTarget"
    partnership_id: UUID


class RegisterProgramme(ProgrammeIn):
    type: Literal["RegisterProgramme"] = "RegisterProgramme"
    partnership_id: UUID


class OpenClass(ClassIn):
    type: Literal["OpenClass"] = "OpenClass"


class CloseClass(ClosingIn):
    type: Literal["CloseClass"] = "CloseClass"
    class_id: UUID


class RecordFunding(FundingIn):
    type: Literal["RecordFunding"] = "RecordFunding"
    partnership_id: UUID
