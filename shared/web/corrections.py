"""`POST /events/{id}/corrections|retractions` on every stage service: the routes of the follow-up commands
(shared/application/follow_ups.py), which each service registers in its pipeline with its own hooks."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from shared.application.follow_ups import CorrectEvent, RetractEvent
from shared.contracts.base import Evidence
from shared.web.commands import IdempotencyKey, submit
from shared.web.problems import ERROR_RESPONSES


class CorrectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fields: dict[str, Any] = Field(min_length=1, examples=[{"monthly_wage": "5200.00"}])
    reason: str = Field(min_length=1, max_length=2000, examples=["wage misread from the contract"])
    evidence: Evidence = Evidence.SCHOOL_RECORD
    occurred_on: date | None = None

    def command(self, event_id: UUID) -> CorrectEvent:
        return CorrectEvent(
            event_id=event_id,
            fields=self.fields,
            reason=self.reason,
            evidence=self.evidence,
            occurred_on=self.occurred_on,
        )


class RetractionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000, examples=["recorded for the wrong student"])
    evidence: Evidence = Evidence.SCHOOL_RECORD
    occurred_on: date | None = None

    def command(self, event_id: UUID) -> RetractEvent:
        return RetractEvent(event_id=event_id, reason=self.reason, evidence=self.evidence, occurred_on=self.occurred_on)


class Recorded(BaseModel):
    event_id: UUID
    type: str


def corrections_router() -> APIRouter:
    router = APIRouter(prefix="/events", tags=["corrections"], responses=ERROR_RESPONSES)

    @router.post(
        "/{event_id}/corrections",
        status_code=201,
        response_model=Recorded,
        summary="Correct fields of an event this service recorded (a new EventCorrected)",
    )
    async def post_correction(
        event_id: UUID, body: CorrectionIn, request: Request, key: IdempotencyKey = None
    ) -> JSONResponse:
        return await submit(request, body.command(event_id), key=key, body=body)

    @router.post(
        "/{event_id}/retractions",
        status_code=201,
        response_model=Recorded,
        summary="Retract an event this service recorded, and every fact that refers to it",
    )
    async def post_retraction(
        event_id: UUID, body: RetractionIn, request: Request, key: IdempotencyKey = None
    ) -> JSONResponse:
        return await submit(request, body.command(event_id), key=key, body=body)

    return router


class CorrectEventIn(CorrectionIn):
    """A correction in the operator import: kept with its original recorded_at, like every imported fact."""

    type: Literal["CorrectEvent"]
    event_id: UUID

    def to_command(self) -> CorrectEvent:
        return self.command(self.event_id)


class RetractEventIn(RetractionIn):
    """A retraction in the operator import, with its original recorded_at."""

    type: Literal["RetractEvent"]
    event_id: UUID

    def to_command(self) -> RetractEvent:
        return self.command(self.event_id)
