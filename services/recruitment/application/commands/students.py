"""Intents about applicants and students. Personal data enters here and goes no further than the vault."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from services.recruitment.application.commands.base import Fact, own_id
from services.recruitment.domain.identity import national_id_problem, normalised_national_id
from shared.contracts.base import Name
from shared.contracts.corrections import ExclusionReason
from shared.contracts.recruitment import Decision, PoorHouseholdVerification

CLASS_ID = UUID("3e2d1c0b-9a89-4776-a655-443322110099")
EMPLOYER_ID = UUID("6c5b4a39-2817-4f6e-8d5c-4b3a29181706")


def _valid_national_id(value: str) -> str:
    problem = national_id_problem(value)
    if problem is not None:
        raise PydanticCustomError("national_id", problem)  # the message never repeats the value
    return normalised_national_id(value)


NationalId = Annotated[str, Field(min_length=15, max_length=20), AfterValidator(_valid_national_id)]


class Applicant(BaseModel):
    """Personal data: stored sealed in this service only, never logged, never in an event."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    name: Name = Field(repr=False, examples=["王小明"])
    national_id: NationalId = Field(repr=False, examples=["11010519491231002X"])
    household_registration: Name = Field(
        repr=False, description="Hukou: where the household is registered.", examples=["贵州省毕节市七星关区"]
    )


class NationalIdIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    national_id: NationalId = Field(repr=False, examples=["11010519491231002X"])


class ApplicationIn(Fact):
    model_config = ConfigDict(hide_input_in_errors=True)

    application_id: UUID | None = own_id("application")
    class_id: UUID = Field(examples=[CLASS_ID])
    applicant: Applicant
    home_region: Name = Field(
        description="The student's home county or city, as metrics split by it.", examples=["Bijie"]
    )
    poor_household: bool = Field(description="From a registered poor household (建档立卡).", examples=[True])
    poor_household_verified_by: PoorHouseholdVerification = Field(examples=[PoorHouseholdVerification.POVERTY_REGISTRY])
    prior_education: Name = Field(examples=["junior secondary"])
    channel: Name = Field(description="How the student was recruited.", examples=["village recruitment fair"])


class DecisionIn(Fact):
    decision: Decision = Field(examples=[Decision.ADMITTED])
    reason: str = Field(default="", max_length=500, examples=["passed the interview"])


class EnrolmentIn(Fact):
    start_on: date = Field(examples=["2025-09-01"])
    planned_end_on: date = Field(examples=["2027-06-30"])


class CancellationIn(Fact):
    reason: Name = Field(examples=["never arrived at the school"])


class IntentIn(Fact):
    employer_id: UUID = Field(description="The enterprise whose hiring commitment was signed.", examples=[EMPLOYER_ID])


class ExclusionIn(Fact):
    reason: ExclusionReason = Field(examples=[ExclusionReason.MILITARY_SERVICE])


class RevocationIn(Fact):
    reason: str = Field(default="", max_length=500, examples=["recorded for the wrong student"])


class SubmitApplication(ApplicationIn):
    type: Literal["SubmitApplication"] = "SubmitApplication"


class DecideApplication(DecisionIn):
    type: Literal["DecideApplication"] = "DecideApplication"
    application_id: UUID


class EnrolStudent(EnrolmentIn):
    type: Literal["EnrolStudent"] = "EnrolStudent"
    application_id: UUID


class StudentNamed(BaseModel):
    """A command about a student names them by student_id (the path does) or, in an import, by an application of
    theirs, since an import cannot know the student_id its own earlier SubmitApplication will be given."""

    student_id: UUID | None = None
    application_id: UUID | None = None

    @model_validator(mode="after")
    def _named_once(self) -> StudentNamed:
        if (self.student_id is None) == (self.application_id is None):
            raise ValueError("name the student by student_id or by application_id, not both")
        return self


class CancelEnrolment(CancellationIn, StudentNamed):
    type: Literal["CancelEnrolment"] = "CancelEnrolment"


class SignEmploymentIntent(IntentIn, StudentNamed):
    type: Literal["SignEmploymentIntent"] = "SignEmploymentIntent"


class ApplyExclusion(ExclusionIn, StudentNamed):
    type: Literal["ApplyExclusion"] = "ApplyExclusion"


class RevokeExclusion(RevocationIn, StudentNamed):
    type: Literal["RevokeExclusion"] = "RevokeExclusion"
