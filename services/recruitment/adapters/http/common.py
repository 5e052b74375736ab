"""What every route module shares: the service state, running a command, list parameters, 422 without inputs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, TypeVar
from uuid import UUID

from fastapi import FastAPI, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, SecretStr

from services.recruitment.adapters.db.pages import page
from services.recruitment.adapters.vault import PersonalDataVault
from services.recruitment.handlers import dispatch
from services.recruitment.handlers.context import Context
from shared.web.clock import now
from shared.web.errors import NotFound, Problem
from shared.web.pagination import Page
from shared.web.routes import run_command
from shared.web.runtime import runtime_of

C = TypeVar("C", bound=BaseModel)

NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "Unknown id"}}
Cursor = Annotated[str | None, Query(description="The next_cursor of the previous page.")]
Limit = Annotated[int, Query(ge=1, le=500, description="Items per page.")]


@dataclass(frozen=True)
class RecruitmentState:
    vault: PersonalDataVault
    operator_token: SecretStr | None


def state_of(request: Request) -> RecruitmentState:
    state: RecruitmentState = request.app.state.recruitment
    return state


def command_of(cls: type[C], body: BaseModel, **ids: Any) -> C:
    """The command a request states: its body plus the ids in its path."""
    return cls.model_validate({**dict(body), **ids})


async def record(request: Request, key: str | None, body: BaseModel, command: Any) -> JSONResponse:
    ctx = Context(state_of(request).vault, now())

    async def run(uow: Any) -> tuple[int, Any]:
        return await dispatch(command, uow, ctx)

    return await run_command(request, key, body, run)


async def _invalid_request(_: Request, error: Exception) -> JSONResponse:
    """Field errors without the values sent: a rejected national ID or name must not come back in the answer."""
    assert isinstance(error, RequestValidationError)
    errors = [{k: v for k, v in e.items() if k in ("type", "loc", "msg")} for e in error.errors()]
    return JSONResponse(status_code=422, content={"detail": jsonable_encoder(errors)})


def install_validation_handler(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _invalid_request)


M = TypeVar("M", bound=BaseModel)


async def listed(
    request: Request, model: type[M], listing: str, filters: dict[str, Any], cursor: str | None, limit: int
) -> Page[M]:
    async with runtime_of(request).pool.acquire() as conn:
        rows, next_cursor = await page(conn, listing, filters, cursor, limit)
    return Page[model](items=[model.model_validate(dict(row)) for row in rows], next_cursor=next_cursor)  # type: ignore[valid-type]  # a runtime model class parametrises the generic page


async def one(request: Request, model: type[M], listing: str, key: UUID, what: str) -> M:
    """The row of a listing query whose `<what>_id` is `key`."""
    async with runtime_of(request).pool.acquire() as conn:
        row = await conn.fetchrow(f"SELECT * FROM ({listing}) AS listed WHERE {what}_id = $1", key)
    if row is None:
        raise NotFound(f"no {what} {key}")
    return model.model_validate(dict(row))
