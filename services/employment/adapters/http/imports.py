"""What the operator import (shared/web/importing.py) accepts here: one fact is a command, shaped as its route's
body plus the route's path ids, named by `type`:

    {"facts": [{"import_id": "...", "recorded_at": "<aware datetime>",
                "command": {"type": "PlaceStudent", "student_id": "...", ...the placement route's body}}]}

The id of an offer, placement or further study the fact creates may be chosen (so later facts in the list can
name it); it is generated when omitted, as the route does. Corrections and retractions of employment's events
are imported too (`CorrectEvent`, `RetractEvent`), each counting from its own recorded_at.
"""

# No `from __future__ import annotations`: pydantic reads the discriminated union when the models are built.

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter
from pydantic import ConfigDict, Field
from pydantic.config import JsonDict

from services.employment.adapters.http import schemas
from services.employment.application import commands
from shared.application.follow_ups import CorrectEvent, RetractEvent
from shared.web.corrections import CorrectEventIn, RetractEventIn
from shared.web.importing import ImportedFactIn, import_router

_NO_EXAMPLES = ConfigDict(json_schema_extra=None)  # the route bodies' examples lack `type` and the ids


def _created(what: str) -> UUID | None:
    return Field(default=None, description=f"The new {what}'s id, so later facts can name it; generated when omitted.")


class OfferJob(schemas.OfferIn):
    model_config = _NO_EXAMPLES
    type: Literal["OfferJob"]
    student_id: UUID
    offer_id: UUID | None = _created("offer")

    def to_command(self) -> commands.OfferJob:
        return self.command(self.student_id, self.offer_id)


class AnswerOffer(schemas.AnswerIn):
    model_config = _NO_EXAMPLES
    type: Literal["AnswerOffer"]
    offer_id: UUID

    def to_command(self) -> commands.AnswerOffer:
        return self.command(self.offer_id)


class PlaceStudent(schemas.PlacementIn):
    model_config = _NO_EXAMPLES
    type: Literal["PlaceStudent"]
    student_id: UUID
    placement_id: UUID | None = _created("placement")

    def to_command(self) -> commands.PlaceStudent:
        return self.command(self.student_id, self.placement_id)


class EnterFurtherStudy(schemas.FurtherStudyIn):
    model_config = _NO_EXAMPLES
    type: Literal["EnterFurtherStudy"]
    student_id: UUID
    study_id: UUID | None = _created("further study")

    def to_command(self) -> commands.EnterFurtherStudy:
        return self.command(self.student_id, self.study_id)


class CheckRetention(schemas.RetentionCheckIn):
    model_config = _NO_EXAMPLES
    type: Literal["CheckRetention"]
    placement_id: UUID

    def to_command(self) -> commands.CheckRetention:
        return self.command(self.placement_id)


class EndEmployment(schemas.EmploymentEndedIn):
    model_config = _NO_EXAMPLES
    type: Literal["EndEmployment"]
    placement_id: UUID

    def to_command(self) -> commands.EndEmployment:
        return self.command(self.placement_id)


class UpdateHouseholdStatus(schemas.HouseholdStatusIn):
    model_config = _NO_EXAMPLES
    type: Literal["UpdateHouseholdStatus"]
    student_id: UUID

    def to_command(self) -> commands.UpdateHouseholdStatus:
        return self.command(self.student_id)


AnyCommand = Annotated[
    OfferJob
    | AnswerOffer
    | PlaceStudent
    | EnterFurtherStudy
    | CheckRetention
    | EndEmployment
    | UpdateHouseholdStatus
    | CorrectEventIn
    | RetractEventIn,
    Field(discriminator="type"),
]

_EXAMPLE: JsonDict = {
    "import_id": "legacy-2024-000187",
    "recorded_at": "2024-08-01T09:00:00+08:00",
    "command": {
        "type": "PlaceStudent",
        "student_id": "2f6c1d7e-8f0b-4d7e-9c1a-5b2e7a9d4c31",
        "placement_id": "b8a1f3e2-6c4d-4e5f-8a7b-9c0d1e2f3a4b",
        **schemas.PLACEMENT,
        "start_on": "2024-07-01",
        "occurred_on": "2024-07-20",
    },
}


class ImportedFact(ImportedFactIn):
    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})

    fact: AnyCommand = Field(alias="command", description="The command, as its route takes it, with `type`")

    def to_command(self) -> commands.Command | CorrectEvent | RetractEvent:
        return self.fact.to_command()


def router() -> APIRouter:
    return import_router(ImportedFact)
