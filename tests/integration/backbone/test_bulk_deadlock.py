"""Two bulk runs at once that lock the same rows in opposite orders (an operator's import beside a school's):
PostgreSQL undoes one of them, and it runs again from its start, so both land, each change once."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from uuid import uuid4

import asyncpg
import pytest

from shared.persistence.batch import current_batch, each_in_one_transaction


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    schema = f"deadlock_{uuid4().hex[:8]}"
    setup = await asyncpg.connect(database_url)
    await setup.execute(
        f"CREATE SCHEMA {schema}; CREATE TABLE {schema}.rows (id int PRIMARY KEY, changes int NOT NULL);"
        f" INSERT INTO {schema}.rows VALUES (1, 0), (2, 0)"
    )
    async with asyncpg.create_pool(
        database_url, min_size=2, max_size=2, server_settings={"search_path": schema, "deadlock_timeout": "100ms"}
    ) as created:
        yield created
    await setup.execute(f"DROP SCHEMA {schema} CASCADE")
    await setup.close()


async def test_a_bulk_run_undone_in_a_deadlock_runs_again_and_both_runs_change_each_row_once(pool: asyncpg.Pool):
    both_hold_a_row = asyncio.Barrier(2)
    attempts: Counter[str] = Counter()

    def run(name: str, first: int) -> asyncio.Task[list[int]]:
        async def change(row: int) -> int:
            batch = current_batch()
            assert batch is not None
            if row == first:
                attempts[name] += 1
            await batch.conn.execute("UPDATE rows SET changes = changes + 1 WHERE id = $1", row)
            if row == first and attempts[name] == 1:
                await both_hold_a_row.wait()  # the first attempts cross: a deadlock
            return row

        return asyncio.create_task(each_in_one_transaction(pool, [], [first, 3 - first], change))

    forwards, backwards = await asyncio.wait_for(asyncio.gather(run("forwards", 1), run("backwards", 2)), 60)

    assert (forwards, backwards) == ([1, 2], [2, 1])
    assert sorted(attempts.values()) == [1, 2], "PostgreSQL undid one run, which ran again"
    assert await pool.fetch("SELECT id, changes FROM rows ORDER BY id") == [(1, 2), (2, 2)]
