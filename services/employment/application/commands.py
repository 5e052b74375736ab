"""Commands: what a client asks employment to record. Ids are given by the adapter; when it is recorded is the
pipeline's Context, not part of the intent.

They are data, so a held command can be stored and replayed unchanged when the graduation arrives.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.employment.domain.rules import PlacementTerms
from shared.contracts.base import Evidence
from shared.contracts.employment import EmployerRelation


class EmploymentCommand(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    occurred_on: date | None = None
    evidence: Evidence

    def implied_on(self) -> date | None:
        """The day the fact itself names (a start or a last day): occurred_on defaults to it when earlier."""
        return None


class OfferJob(EmploymentCommand):
    kind: Literal["offer_job"] = "offer_job"
    student_id: UUID
    offer_id: UUID
    employer_name: str
    employer_credit_code: str
    monthly_wage: Decimal


class AnswerOffer(EmploymentCommand):
    kind: Literal["answer_offer"] = "answer_offer"
    offer_id: UUID
    accepted: bool
    reason: str = ""


class PlaceStudent(EmploymentCommand, PlacementTerms):
    kind: Literal["place_student"] = "place_student"
    student_id: UUID
    placement_id: UUID
    relation_claimed: EmployerRelation | None = None

    def implied_on(self) -> date:
        return self.start_on


class EnterFurtherStudy(EmploymentCommand):
    kind: Literal["enter_further_study"] = "enter_further_study"
    student_id: UUID
    study_id: UUID
    institution: str
    start_on: date

    def implied_on(self) -> date:
        return self.start_on


class CheckRetention(EmploymentCommand):
    kind: Literal["check_retention"] = "check_retention"
    placement_id: UUID
    checkpoint_days: int
    still_employed: bool
    same_employer: bool
    monthly_wage: Decimal | None = None


class EndEmployment(EmploymentCommand):
    kind: Literal["end_employment"] = "end_employment"
    placement_id: UUID
    last_day: date
    reason: str = ""

    def implied_on(self) -> date:
        return self.last_day


class UpdateHouseholdStatus(EmploymentCommand):
    kind: Literal["update_household_status"] = "update_household_status"
    student_id: UUID
    poor_household: bool
    status: str = ""


Command = (
    OfferJob | AnswerOffer | PlaceStudent | EnterFurtherStudy | CheckRetention | EndEmployment | UpdateHouseholdStatus
)
# Facts that only a graduate can have: held while the student is still in training.
GraduateCommand = OfferJob | AnswerOffer | PlaceStudent | EnterFurtherStudy
# Facts about a recorded placement: held in turn while their placement is held.
PlacementCommand = CheckRetention | EndEmployment
HoldableCommand = GraduateCommand | PlacementCommand
HeldCommand = Annotated[HoldableCommand, Field(discriminator="kind")]
