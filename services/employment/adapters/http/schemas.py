"""Request bodies: the client's shapes, with examples for the OpenAPI document, turned into commands.

A route adds the ids of its path, the import adds them from the fact (adapters/http/imports.py); the id of an
offer, placement or further study is made here when the fact does not choose it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID, uuid4

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from services.employment.application import commands
from shared.contracts.base import Evidence, Name, Yuan
from shared.contracts.employment import ContractType, EmployerRelation, EmployerType, Location

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

    def _fields(self, body: type[_FactIn], *renamed: str) -> dict[str, Any]:
        """The fields of the route's `body` (not those an import adds), but the `renamed` ones, as command fields."""
        return self.model_dump(include=set(body.model_fields) - set(renamed))


EMPLOYER: JsonDict = {
    "employer_name": "Guangzhou Baiyun Electric Equipment Co., Ltd.",
    "employer_credit_code": "91440101MA59UQ6X1D",
    "monthly_wage": "5200.00",
}
PLACEMENT: JsonDict = {
    **EMPLOYER,
    "relation": "sponsor",
    "employer_type": "state_owned",
    "location": "east",
    "related_to_training": True,
    "contract_type": "fixed_term",
    "social_insurance": True,
    "start_on": "2025-07-01",
    "evidence": "employer_confirmation",
}


class _EmployerIn(_FactIn):
    employer_name: Name
    employer_credit_code: CreditCode
    monthly_wage: Yuan = Field(examples=["5200.00"])


class OfferIn(_EmployerIn):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{**EMPLOYER, "occurred_on": "2025-06-20", "evidence": "employer_confirmation"}]}
    )

    def command(self, student_id: UUID, offer_id: UUID | None = None) -> commands.OfferJob:
        return commands.OfferJob(student_id=student_id, offer_id=offer_id or uuid4(), **self._fields(OfferIn))


class AnswerIn(_FactIn):
    model_config = ConfigDict(json_schema_extra={"examples": [{"answer": "accepted", "occurred_on": "2025-06-25"}]})
    answer: Literal["accepted", "declined"]
    reason: str = Field(default="", max_length=1000, examples=["took a job nearer home"])

    def command(self, offer_id: UUID) -> commands.AnswerOffer:
        fields = self._fields(AnswerIn, "answer")
        return commands.AnswerOffer(offer_id=offer_id, accepted=self.answer == "accepted", **fields)


class PlacementIn(_EmployerIn):
    model_config = ConfigDict(json_schema_extra={"examples": [PLACEMENT]})
    relation: EmployerRelation | None = Field(
        default=None,
        description="What the client believes; the relation recorded is decided by the credit code against the"
        " class's sponsor and the partnership's partner enterprises, and wins over this flag.",
    )
    employer_type: EmployerType
    location: Location = Field(description="Where the job is: East, the student's home region, or elsewhere")
    related_to_training: bool
    contract_type: ContractType
    social_insurance: bool
    start_on: date = Field(description="First day of work; retention check-points count from it")

    def command(self, student_id: UUID, placement_id: UUID | None = None) -> commands.PlaceStudent:
        fields = self._fields(PlacementIn, "relation")
        return commands.PlaceStudent(
            student_id=student_id, placement_id=placement_id or uuid4(), relation_claimed=self.relation, **fields
        )


class FurtherStudyIn(_FactIn):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"institution": "Guangzhou Railway Polytechnic", "start_on": "2025-09-01"}]}
    )
    institution: Name
    start_on: date

    def command(self, student_id: UUID, study_id: UUID | None = None) -> commands.EnterFurtherStudy:
        study_id = study_id or uuid4()
        return commands.EnterFurtherStudy(student_id=student_id, study_id=study_id, **self._fields(FurtherStudyIn))


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

    def command(self, placement_id: UUID) -> commands.CheckRetention:
        return commands.CheckRetention(placement_id=placement_id, **self._fields(RetentionCheckIn))


class EmploymentEndedIn(_FactIn):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"last_day": "2025-11-30", "reason": "contract not renewed"}]}
    )
    last_day: date = Field(description="Last day worked")
    reason: str = Field(default="", max_length=1000)

    def command(self, placement_id: UUID) -> commands.EndEmployment:
        return commands.EndEmployment(placement_id=placement_id, **self._fields(EmploymentEndedIn))


class HouseholdStatusIn(_FactIn):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"poor_household": False, "status": "lifted out of poverty (2025 review)"}]}
    )
    poor_household: bool
    status: str = Field(default="", max_length=200)

    def command(self, student_id: UUID) -> commands.UpdateHouseholdStatus:
        return commands.UpdateHouseholdStatus(student_id=student_id, **self._fields(HouseholdStatusIn))
