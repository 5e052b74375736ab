"""What the route modules share: command routes declared as rows, and the list parameters of the read routes."""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, TypeVar
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from services.recruitment.adapters.db.pages import page
from services.recruitment.domain.errors import UnknownRecord
from shared.web.commands import IdempotencyKey, submit
from shared.web.pagination import Page
from shared.web.problems import ERROR_RESPONSES
from shared.web.runtime import runtime_of

M = TypeVar("M", bound=BaseModel)
Cursor = Annotated[str | None, Query(description="The next_cursor of the previous page.")]
Limit = Annotated[int, Query(ge=1, le=500, description="Items per page.")]
_PATH_IDS = re.compile(r"{(\w+)}")


@dataclass(frozen=True)
class CommandRoute:
    """POST `path`: the command is the body plus the ids in the path, answered by the shared pipeline (201).

    `name` is the route's operation id; `description` says which event the command records and when it is refused.
    """

    path: str
    name: str
    body: type[BaseModel]
    command: type[BaseModel]
    answer: type[BaseModel]
    summary: str
    description: str
    tags: tuple[str, ...]

    def add_to(self, router: APIRouter) -> None:
        command = self.command

        async def endpoint(request: Request, key: str | None, body: BaseModel, **ids: UUID) -> JSONResponse:
            return await submit(request, command.model_validate({**dict(body), **ids}), key=key, body=body)

        # FastAPI reads the parameters from the signature: the path ids, the body model, the Idempotency-Key.
        keyword = inspect.Parameter.KEYWORD_ONLY
        endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]  # read by inspect.signature
            [
                *(inspect.Parameter(name, keyword, annotation=UUID) for name in _PATH_IDS.findall(self.path)),
                inspect.Parameter("body", keyword, annotation=self.body),
                inspect.Parameter("request", keyword, annotation=Request),
                inspect.Parameter("key", keyword, annotation=IdempotencyKey, default=None),
            ],
            return_annotation=JSONResponse,
        )
        tags: list[str | Enum] = list(self.tags)
        router.add_api_route(
            self.path,
            endpoint,
            methods=["POST"],
            name=self.name,
            status_code=201,
            response_model=self.answer,
            responses=ERROR_RESPONSES,
            summary=self.summary,
            description=self.description,
            tags=tags,
        )


def command_routes(*routes: CommandRoute) -> APIRouter:
    router = APIRouter()
    for route in routes:
        route.add_to(router)
    return router


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
        raise UnknownRecord(f"no {what} {key}")
    return model.model_validate(dict(row))
