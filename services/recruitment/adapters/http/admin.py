"""The operator-only import of facts from older systems (DOMAIN.md: facts migrated with their original recorded_at).

Each fact runs through the same handler as a live request, in its own transaction, with its import id as the
Idempotency-Key: re-sending a batch replays the first answers and records nothing twice. Facts run in order of
recorded_at (stable, so the batch order breaks ties) and the run stops at the first refused fact, since the facts
after it usually depend on it; fix it and send the batch again.
"""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.recruitment.adapters.http.common import state_of
from services.recruitment.commands import AnyCommand
from services.recruitment.handlers import dispatch
from services.recruitment.handlers.context import Context
from shared.web.clock import now
from shared.web.errors import DomainError, InvalidFact
from shared.web.idempotency import fingerprint
from shared.web.runtime import runtime_of
from shared.web.unit_of_work import execute

router = APIRouter(tags=["operations"])


class ImportedFact(BaseModel):
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    import_id: str = Field(min_length=1, max_length=200, examples=["legacy-2019-000123"])
    recorded_at: AwareDatetime = Field(
        description="When the older system recorded it.", examples=["2019-09-02T09:30:00+08:00"]
    )
    command: AnyCommand = Field(
        examples=[
            {
                "type": "SignPartnership",
                "partnership_id": "0d4c8a52-8a43-4c5e-b0b6-6f5e3a1d9c10",
                "name": "Guangzhou-Bijie cooperation agreement 2019",
                "valid_from": "2019-01-01",
                "occurred_on": "2019-01-01",
            }
        ]
    )


class ImportIn(BaseModel):
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    facts: list[ImportedFact] = Field(min_length=1, max_length=10_000)


class ImportResult(BaseModel):
    import_id: str
    status_code: int
    body: dict[str, Any]


class ImportOut(BaseModel):
    results: list[ImportResult]
    stopped_at: str | None = Field(
        description="The import id of the first refused fact, if any; later facts did not run."
    )


OperatorToken = Annotated[str | None, Header(alias="X-Operator-Token", description="Equal to CYCLE_OPERATOR_TOKEN.")]


def _operator(request: Request, token: str | None) -> bool:
    expected = state_of(request).operator_token
    if expected is None or token is None:
        return False
    return hmac.compare_digest(expected.get_secret_value().encode(), token.encode())


async def _run(request: Request, fact: ImportedFact) -> tuple[int, Any]:
    if fact.recorded_at > now():
        raise InvalidFact(f"recorded_at {fact.recorded_at.isoformat()} is in the future")
    runtime = runtime_of(request)
    ctx = Context(state_of(request).vault, fact.recorded_at)
    command = fact.command

    async def run(uow: Any) -> tuple[int, Any]:
        return await dispatch(command, uow, ctx)

    return await execute(
        runtime.pool,
        runtime.outbox,
        run,
        idempotency_key=f"import:{fact.import_id}",
        request_fingerprint=fingerprint(
            "IMPORT",
            fact.recorded_at.isoformat(),
            command.model_dump(mode="json"),
            runtime.settings.national_id_key.encode(),
        ),
    )


def _recorded_order(fact: ImportedFact) -> datetime:
    return fact.recorded_at


@router.post(
    "/admin/import",
    response_model=ImportOut,
    summary="Import facts with their original recorded_at (operators only)",
    responses={403: {"description": "No operator token configured, or a wrong one sent"}},
)
async def post_import(body: ImportIn, request: Request, token: OperatorToken = None) -> JSONResponse:
    if not _operator(request, token):
        return JSONResponse(status_code=403, content={"code": "forbidden", "detail": "operator token required"})
    results: list[ImportResult] = []
    for fact in sorted(body.facts, key=_recorded_order):
        try:
            status, answer = await _run(request, fact)
        except DomainError as error:
            problem = {"code": error.code, "detail": error.detail}
            results.append(ImportResult(import_id=fact.import_id, status_code=error.status_code, body=problem))
            outcome = ImportOut(results=results, stopped_at=fact.import_id)
            return JSONResponse(status_code=200, content=outcome.model_dump(mode="json"))
        results.append(ImportResult(import_id=fact.import_id, status_code=status, body=answer))
    return JSONResponse(status_code=200, content=ImportOut(results=results, stopped_at=None).model_dump(mode="json"))
