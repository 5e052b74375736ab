"""Processes that start together migrate one new schema once, none of them failing on the catalog."""

from __future__ import annotations

import asyncio
from uuid import uuid4

from shared.persistence.database import SHARED_MIGRATIONS, drop_schema, migrate


async def test_processes_starting_together_create_and_migrate_a_new_schema_once(database_url: str):
    for _ in range(5):
        schema = f"together_{uuid4().hex[:12]}"
        try:
            applied = await asyncio.gather(*(migrate(database_url, schema) for _ in range(4)))
        finally:
            await drop_schema(database_url, schema)
        assert sorted(applied) == [0, 0, 0, len(list(SHARED_MIGRATIONS.glob("*.sql")))]
