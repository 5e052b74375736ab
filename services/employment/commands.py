"""Commands: what a client asks employment to record. Ids and recorded_at are given by the adapter.

They are data, so a held command can be stored and replayed unchanged when the graduation arrives.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.contracts.base import Evidence
from shared.contracts.employment import ContractType, EmployerRelation, EmployerType, Location


class _Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    occurred_on: date
    evidence: Evidence
    recorded_at: AwareDatetime


class OfferJob(_Command):
    kind: Literal["offer_job"] = "offer_job"
    student_id: UUID
    offer_id: UUID
    employer_name: str
    employer_credit_code: str
    monthly_wage: Decimal


class AnswerOffer(_Command):
    kind: Literal["answer_offer"] = "answer_offer"
    offer_id: UUID
    accepted: bool
    reason: str = ""


class PlaceStudent(_Command):
    kind: Literal["place_student"] = "place_student"
    student_id: UUID
    placement_id: UUID
    employer_name: str
    employer_credit_code: str
    relation_claimed: EmployerRelation | None = None
    employer_type: EmployerType
    location: Location
    related_to_training: bool
    monthly_wage: Decimal
    contract_type: ContractType
    social_insurance: bool
    start_on: date


class EnterFurtherStudy(_Command):
    kind: Literal["enter_further_study"] = "enter_further_study"
    student_id: UUID
    study_id: UUID
    institution: str
    start_on: date


class CheckRetention(_Command):
    kind: Literal["check_retention"] = "check_retention"
    placement_id: UUID
    checkpoint_days: int
    still_employed: bool
    same_employer: bool
    monthly_wage: Decimal | None = None


class EndEmployment(_Command):
    kind: Literal["end_employment"] = "end_employment"
    placement_id: UUID
    last_day: date
    reason: str = ""


class UpdateHouseholdStatus(_Command):
    kind: Literal["update_household_status"] = "update_household_status"
    student_id: UUID
    poor_household: bool
    status: str = ""


# Facts that only a graduate can have: held while the student is still in training.
GraduateCommand = OfferJob | AnswerOffer | PlaceStudent | EnterFurtherStudy
Command = Annotated[
    OfferJob | AnswerOffer | PlaceStudent | EnterFurtherStudy | CheckRetention | EndEmployment | UpdateHouseholdStatus,
    Field(discriminator="kind"),
]
