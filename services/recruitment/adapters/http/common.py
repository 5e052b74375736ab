"""What the route modules share: routes declared as rows (a command, a list, one record), and the reads behind them.

A row names its path, operation id, models and OpenAPI text; `add_to` makes the FastAPI route, whose parameters
(path ids, filters) FastAPI reads from the signature `_declare` gives the endpoint; a command route is the shared
one (shared/web/routes.py).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, Protocol, TypeVar
from uuid import UUID

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from services.recruitment.adapters.db.pages import page
from services.recruitment.adapters.db.visibility import kept
from services.recruitment.domain.errors import UnknownRecord
from shared.web.pagination import Page
from shared.web.problems import ERROR_RESPONSES, NOT_FOUND
from shared.web.read_scopes import visible
from shared.web.routes import command_route, path_ids
from shared.web.runtime import runtime_of

M = TypeVar("M", bound=BaseModel)
Cursor = Annotated[str | None, Query(description="The next_cursor of the previous page.")]
Limit = Annotated[int, Query(ge=1, le=500, description="Items per page.")]
Param = tuple[str, Any, Any]  # name, annotation, default
_KEYWORD = inspect.Parameter.KEYWORD_ONLY
_REQUEST: Param = ("request", Request, inspect.Parameter.empty)


def _declare(endpoint: Callable[..., Any], *parameters: Param) -> Callable[..., Any]:
    """Give `endpoint` the signature FastAPI reads its parameters from: (name, annotation, default) each."""
    endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]  # read by inspect.signature
        [inspect.Parameter(name, _KEYWORD, annotation=kind, default=default) for name, kind, default in parameters]
    )
    return endpoint


def _path_ids(path: str) -> list[Param]:
    return [(name, UUID, inspect.Parameter.empty) for name in path_ids(path)]


class Route(Protocol):
    def add_to(self, router: APIRouter) -> None: ...


class _Described(Protocol):
    @property
    def path(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def tags(self) -> tuple[str, ...]: ...


def _add(router: APIRouter, row: _Described, endpoint: Callable[..., Any], *parameters: Param, **options: Any) -> None:
    tags = list[str | Enum](row.tags)
    endpoint = _declare(endpoint, *parameters)
    router.add_api_route(row.path, endpoint, name=row.name, summary=row.summary, tags=tags, **options)


def routes(*rows: Route) -> APIRouter:
    router = APIRouter()
    for row in rows:
        row.add_to(router)
    return router


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
        options: dict[str, Any] = {"status_code": 201, "response_model": self.answer, "responses": ERROR_RESPONSES}
        described = {"name": self.name, "summary": self.summary, "description": self.description}
        command_route(router, self.path, self.body, self._command, tags=list(self.tags), **described, **options)

    def _command(self, body: BaseModel, **ids: UUID) -> BaseModel:
        return self.command.model_validate({**dict(body), **ids})


@dataclass(frozen=True)
class ListRoute:
    """GET `path`: a page of the `listing` query's rows as `model`, filtered by query parameters (name: type)."""

    path: str
    name: str
    model: type[BaseModel]
    listing: str
    summary: str
    tags: tuple[str, ...]
    filters: Mapping[str, Any]

    def add_to(self, router: APIRouter) -> None:
        model, listing = self.model, self.listing

        async def endpoint(request: Request, cursor: str | None, limit: int, **filters: Any) -> Any:
            return await listed(request, model, listing, filters, cursor, limit)

        filters = [(name, kind | None, None) for name, kind in self.filters.items()]
        page = Page[model]  # type: ignore[valid-type]  # a runtime model class parametrises the page
        _add(
            router,
            self,
            endpoint,
            _REQUEST,
            *filters,
            ("cursor", Cursor, None),
            ("limit", Limit, 50),
            response_model=page,
        )


@dataclass(frozen=True)
class OneRoute:
    """GET `path` (ending in `{<what>_id}`): the row of the `listing` query with that id, as `model`; else 404."""

    path: str
    name: str
    model: type[BaseModel]
    listing: str
    what: str
    summary: str
    tags: tuple[str, ...]

    def add_to(self, router: APIRouter) -> None:
        model, listing, what = self.model, self.listing, self.what

        async def endpoint(request: Request, **ids: UUID) -> Any:
            return await one(request, model, listing, ids[f"{what}_id"], what)

        _add(router, self, endpoint, *_path_ids(self.path), _REQUEST, response_model=model, responses=NOT_FOUND)


async def listed(
    request: Request, model: type[M], listing: str, filters: dict[str, Any], cursor: str | None, limit: int
) -> Page[M]:
    seen = await visible(request)
    async with runtime_of(request).pool.acquire() as conn:
        rows, next_cursor = await page(conn, listing, filters, cursor, limit, seen)
    return Page[model](items=[model.model_validate(dict(row)) for row in rows], next_cursor=next_cursor)  # type: ignore[valid-type]  # a runtime model class parametrises the generic page


async def one(request: Request, model: type[M], listing: str, key: UUID, what: str) -> M:
    """The row of a listing query whose `<what>_id` is `key`, if it is of a partnership the caller reads."""
    restriction = (await visible(request)).restriction()
    readable = "" if restriction is None else f" AND {kept(listing, '$2')}"
    query = f"SELECT * FROM ({listing}) AS listed WHERE {what}_id = $1{readable}"
    async with runtime_of(request).pool.acquire() as conn:
        row = await conn.fetchrow(query, key, *([] if restriction is None else [restriction]))
    if row is None:
        raise UnknownRecord(f"no {what} {key}")
    return model.model_validate(dict(row))
