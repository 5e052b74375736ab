"""What every read route shares: a pooled connection, the page parameters, a page of rows as a response model."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated, Any, TypeVar, cast

import asyncpg
from fastapi import Depends, Query, Request
from pydantic import BaseModel, Field

from services.employment.adapters.db.queries import page
from services.employment.adapters.db.visibility import readable
from shared.application.clock import business_today
from shared.security.reading import Visible
from shared.web.pagination import Page
from shared.web.runtime import runtime_of

T = TypeVar("T", bound=BaseModel)


async def _connection(request: Request) -> AsyncIterator[asyncpg.Connection]:
    async with runtime_of(request).pool.acquire() as conn:
        yield cast(asyncpg.Connection, conn)  # a pool's proxy forwards every Connection method


async def _today(request: Request) -> date:
    return business_today(runtime_of(request).pipeline.clock.now())


Conn = Annotated[asyncpg.Connection, Depends(_connection)]
Today = Annotated[date, Depends(_today)]
Cursor = Annotated[str | None, Query(description="next_cursor of the previous page")]
Limit = Annotated[int, Query(ge=1, le=500)]


class Listing(BaseModel):
    """The query of a list route: its filters (the other fields; None means any) and the page wanted."""

    cursor: str | None = Field(default=None, description="next_cursor of the previous page")
    limit: int = Field(default=50, ge=1, le=500)

    def filters(self, prefix: str = "") -> dict[str, Any]:
        return {prefix + name: value for name, value in self.model_dump(exclude={"cursor", "limit"}).items()}


async def listing(
    conn: asyncpg.Connection,
    seen: Visible,
    table: str,
    query: Listing,
    out: type[T],
    *,
    filters: dict[str, Any] | None = None,
    alias: str = "",
    **options: str,
) -> Page[T]:
    """A page of `table` (`alias`ed) as `out`, of the partnerships `seen`; `filters` replace the query's own,
    `options` are page()'s columns and seq."""
    chosen = {
        **(query.filters() if filters is None else filters),
        **readable(seen, table, f"{alias}." if alias else ""),
    }
    source = f"{table} {alias}" if alias else table
    rows, after = await page(conn, source, chosen, query.cursor, query.limit, **options)
    return Page(items=[out.model_validate(dict(row)) for row in rows], next_cursor=after)
