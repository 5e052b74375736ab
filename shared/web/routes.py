"""Route helpers every stage service uses: the Idempotency-Key header, running a command, corrections."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from shared.web.corrections import CorrectionHook, CorrectionIn, RetractionHook, RetractionIn, correct, retract
from shared.web.errors import ERROR_RESPONSES
from shared.web.runtime import runtime_of
from shared.web.unit_of_work import Command, execute, request_fingerprint

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=200,
        description="Repeating a command with the same key returns the first answer and changes nothing.",
    ),
]


class Recorded(BaseModel):
    event_id: UUID
    type: str


async def run_command(request: Request, key: str | None, body: BaseModel | None, command: Command) -> JSONResponse:
    runtime = runtime_of(request)
    payload: Any = body.model_dump(mode="json") if body is not None else None
    status, answer = await execute(
        runtime.pool,
        runtime.outbox,
        command,
        idempotency_key=key,
        request_fingerprint=request_fingerprint(request, payload, runtime.settings.national_id_key.encode()),
    )
    return JSONResponse(status_code=status, content=answer)


def corrections_router(
    source: str, on_retracted: RetractionHook | None = None, on_corrected: CorrectionHook | None = None
) -> APIRouter:
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
        async def command(uow: Any) -> tuple[int, Any]:
            event = await correct(uow, event_id, body, source, on_corrected)
            return 201, {"event_id": str(event.id), "type": event.type}

        return await run_command(request, key, body, command)

    @router.post(
        "/{event_id}/retractions",
        status_code=201,
        response_model=Recorded,
        summary="Retract an event this service recorded, and every fact that refers to it",
    )
    async def post_retraction(
        event_id: UUID, body: RetractionIn, request: Request, key: IdempotencyKey = None
    ) -> JSONResponse:
        async def command(uow: Any) -> tuple[int, Any]:
            event = await retract(uow, event_id, body, source, on_retracted)
            return 201, {"event_id": str(event.id), "type": event.type}

        return await run_command(request, key, body, command)

    return router
