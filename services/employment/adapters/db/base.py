"""The one thing every PostgreSQL repository of employment holds: the unit of work's connection."""

from __future__ import annotations

import asyncpg


class OnConnection:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn
