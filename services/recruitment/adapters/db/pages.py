"""Keyset pagination over a listing query: the cursor is the `seq` of the last row served."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

import asyncpg

from services.recruitment.adapters.db import Conn
from services.recruitment.adapters.db.visibility import kept
from shared.errors import InvalidFact
from shared.security.reading import EVERYTHING, Visible
from shared.web.pagination import decode_cursor, encode_cursor


async def page(
    conn: Conn,
    listing: str,
    filters: Mapping[str, Any],
    cursor: str | None,
    limit: int,
    seen: Visible = EVERYTHING,
) -> tuple[list[asyncpg.Record], str | None]:
    """Rows of `listing` (a SELECT with a `seq` column) of the partnerships `seen`, matching every non-None filter
    (column = value).

    Filter names are column names written in this package, never taken from a request.
    """
    clauses: list[str] = []
    args: list[Any] = []
    restriction = seen.restriction()
    if restriction is not None:
        args.append(restriction)
        clauses.append(kept(listing, f"${len(args)}"))
    for column, value in filters.items():
        if value is not None:
            args.append(value.value if isinstance(value, Enum) else value)
            clauses.append(f"{column} = ${len(args)}")
    after = decode_cursor(cursor)
    if after is not None:
        if not isinstance(after, int):
            raise InvalidFact("invalid cursor")
        args.append(after)
        clauses.append(f"seq > ${len(args)}")
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    args.append(limit + 1)
    rows = await conn.fetch(f"SELECT * FROM ({listing}) AS listed {where} ORDER BY seq LIMIT ${len(args)}", *args)
    if len(rows) > limit:
        return rows[:limit], encode_cursor(rows[limit - 1]["seq"])
    return list(rows), None
