"""Request bodies: the client's shapes, with examples for the OpenAPI document, turned into commands."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from services.employment.commands import (
    AnswerOffer,
    CheckRetention,
    EndEmployment,
    EnterFurtherStudy,
    OfferJob,
    PlaceStudent,
    UpdateHouseholdStatus,
)
from shared.contracts.base import Evidence, Name, Yuan
from shared.contracts.employment import ContractType, EmployerRelation, EmployerType, Location
from shared.web.clock import business_today

# GB 32100-2015: 2 registration characters, a 6-digit region code, 9-character organisation code, 1 check character.
_CREDIT_CODE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")


def _credit_code(value: str) -> str:
    code = value.strip().upper()
    if not _CREDIT_CODE.fullmatch(code):
        raise ValueError("not an 18-character unified social credit code")
    return code


CreditCode = Annotated[
    str,
    AfterValidator(_credit_code),
    Field(description="The employer's unified social credit code (18 characters)", examples=["91440101MA59UQ6X1D"]),
]


class _FactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    occurred_on: date | None = Field(
        default=None,
        description="Business date of the fact (Asia/Shanghai); may be in the past, never in the future."
        " Defaults to today, or to start_on when that is earlier.",
        examples=["2025-07-15"],
    )
    evidence: Evidence = Field(default=Evidence.SCHOOL_RECORD, description="How the fact is known")

    def _occurred(self, recorded_at: datetime, start_on: date | None = None) -> date:
        if self.occurred_on is not None:
            return self.occurred_on
        today = business_today(recorded_at)
        return min(today, start_on) if start_on is not None else today


class OfferIn(_FactIn):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "employer_name": "Guangzhou Baiyun Electric Equipment Co., Ltd.",
                    "employer_credit_code": "91440101MA59UQ6X1D",
                    "monthly_wage": "5200.00",
                    "occurred_on": "2025-06-20",
                    "evidence": "employer_confirmation",
                }
            ]
        }
    )
    employer_name: Name
    employer_credit_code: CreditCode
    monthly_wage: Yuan = Field(examples=["5200.00"])

    def to_command(self, student_id: UUID, offer_id: UUID, recorded_at: datetime) -> OfferJob:
        return OfferJob(
            student_id=student_id,
            offer_id=offer_id,
            employer_name=self.employer_name,
            employer_credit_code=self.employer_credit_code,
            monthly_wage=self.monthly_wage,
            occurred_on=self._occurred(recorded_at),
            evidence=self.evidence,
            recorded_at=recorded_at,
        )


class AnswerIn(_FactIn):
    model_config = ConfigDict(json_schema_extra={"examples": [{"answer": "accepted", "occurred_on": "2025-06-25"}]})
    answer: Literal["accepted", "declined"]
    reason: str = Field(default="", max_length=1000, examples=["took a job nearer home"])

    def to_command(self, offer_id: UUID, recorded_at: datetime) -> AnswerOffer:
        return AnswerOffer(
            offer_id=offer_id,
            accepted=self.answer == "accepted",
            reason=self.reason,
            occurred_on=self._occurred(recorded_at),
            evidence=self.evidence,
            recorded_at=recorded_at,
        )


class PlacementIn(_FactIn):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "employer_name": "Guangzhou Baiyun Electric Equipment Co., Ltd.",
                    "employer_credit_code": "91440101MA59UQ6X1D",
                    "relation": "sponsor",
                    "employer_type": "state_owned",
                    "location": "east",
                    "related_to_training": True,
                    "monthly_wage": "5200.00",
                    "contract_type": "fixed_term",
                    "social_insurance": True,
                    "start_on": "2025-07-01",
                    "evidence": "employer_confirmation",
                }
            ]
        }
    )
    employer_name: Name
    employer_credit_code: CreditCode
    relation: EmployerRelation | None = Field(
        default=None,
        description="What the client believes; the relation recorded is decided by the credit code against the"
        " class's sponsor and the partnership's partner enterprises, and wins over this flag.",
    )
    employer_type: EmployerType
    location: Location = Field(description="Where the job is: East, the student's home region, or elsewhere")
    related_to_training: bool
    monthly_wage: Yuan = Field(examples=["5200.00"])
    contract_type: ContractType
    social_insurance: bool
    start_on: date = Field(description="First day of work; retention check-points count from it")

    def to_command(self, student_id: UUID, placement_id: UUID, recorded_at: datetime) -> PlaceStudent:
        return PlaceStudent(
            student_id=student_id,
            placement_id=placement_id,
            employer_name=self.employer_name,
            employer_credit_code=self.employer_credit_code,
            relation_claimed=self.relation,
            employer_type=self.employer_type,
            location=self.location,
            related_to_training=self.related_to_training,
            monthly_wage=self.monthly_wage,
            contract_type=self.contract_type,
            social_insurance=self.social_insurance,
            start_on=self.start_on,
            occurred_on=self._occurred(recorded_at, self.start_on),
            evidence=self.evidence,
            recorded_at=recorded_at,
        )


class FurtherStudyIn(_FactIn):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"institution": "Guangzhou Railway Polytechnic", "start_on": "2025-09-01"}]}
    )
    institution: Name
    start_on: date

    def to_command(self, student_id: UUID, study_id: UUID, recorded_at: datetime) -> EnterFurtherStudy:
        return EnterFurtherStudy(
            student_id=student_id,
            study_id=study_id,
            institution=self.institution,
            start_on=self.start_on,
            occurred_on=self._occurred(recorded_at, self.start_on),
            evidence=self.evidence,
            recorded_at=recorded_at,
        )


class RetentionCheckIn(_FactIn):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "checkpoint_days": 180,
                    "still_employed": True,
                    "same_employer": True,
                    "monthly_wage": "5600.00",
                    "occurred_on": "2025-12-29",
                    "evidence": "social_insurance_record",
                }
            ]
        }
    )
    checkpoint_days: int = Field(gt=0, description="One of the partnership's check-points", examples=[180])
    still_employed: bool
    same_employer: bool
    monthly_wage: Yuan | None = Field(default=None, examples=["5600.00"])

    def to_command(self, placement_id: UUID, recorded_at: datetime) -> CheckRetention:
        return CheckRetention(
            placement_id=placement_id,
            checkpoint_days=self.checkpoint_days,
            still_employed=self.still_employed,
            same_employer=self.same_employer,
            monthly_wage=self.monthly_wage,
            occurred_on=self._occurred(recorded_at),
            evidence=self.evidence,
            recorded_at=recorded_at,
        )


class EmploymentEndedIn(_FactIn):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"last_day": "2025-11-30", "reason": "contract not renewed"}]}
    )
    last_day: date = Field(description="Last day worked")
    reason: str = Field(default="", max_length=1000)

    def to_command(self, placement_id: UUID, recorded_at: datetime) -> EndEmployment:
        return EndEmployment(
            placement_id=placement_id,
            last_day=self.last_day,
            reason=self.reason,
            occurred_on=self._occurred(recorded_at, self.last_day),
            evidence=self.evidence,
            recorded_at=recorded_at,
        )


class HouseholdStatusIn(_FactIn):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"poor_household": False, "status": "lifted out of poverty (2025 review)"}]}
    )
    poor_household: bool
    status: str = Field(default="", max_length=200)

    def to_command(self, student_id: UUID, recorded_at: datetime) -> UpdateHouseholdStatus:
        return UpdateHouseholdStatus(
            student_id=student_id,
            poor_household=self.poor_household,
            status=self.status,
            occurred_on=self._occurred(recorded_at),
            evidence=self.evidence,
            recorded_at=recorded_at,
        )
