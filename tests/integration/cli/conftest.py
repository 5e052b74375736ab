"""`cycle` run as an operator runs it, in a subprocess, pointed at the test's broker, database, topic namespace and
schemas (and at an empty state dir, so a stack started by `cycle up` on this machine is never picked up)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from shared.messaging.consumer import IdempotentConsumer
from shared.messaging.relay import OutboxRelay

CYCLE = str(Path(sys.executable).parent / "cycle")


@dataclass(frozen=True)
class Completed:
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Following:
    """The lines a long-running `cycle` process has printed so far."""

    process: asyncio.subprocess.Process
    lines: list[str] = field(default_factory=list)

    async def read(self) -> None:
        assert self.process.stdout is not None
        async for line in self.process.stdout:
            self.lines.append(line.decode())

    async def containing(self, text: str) -> list[str]:
        return [line for line in self.lines if text in line]


@dataclass(frozen=True)
class Cycle:
    env: dict[str, str]

    async def __call__(self, *args: str) -> Completed:
        process = await asyncio.create_subprocess_exec(
            CYCLE, *args, env=self.env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
        assert process.returncode is not None
        return Completed(process.returncode, stdout.decode(), stderr.decode())

    async def json(self, *args: str) -> Any:
        result = await self(*args, "--json")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    @contextlib.asynccontextmanager
    async def following(self, *args: str) -> AsyncIterator[Following]:
        process = await asyncio.create_subprocess_exec(
            CYCLE, *args, env=self.env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
        )
        following = Following(process)
        reader = asyncio.create_task(following.read())
        try:
            yield following
        finally:
            process.terminate()  # by its pid: the one process this fixture started
            await process.wait()
            await reader


def cycle_env(tmp_path: Path, **variables: str) -> dict[str, str]:
    # A wide console, so Rich tables keep each cell on one line for the assertions on human output.
    return {**os.environ, "CYCLE_STATE_DIR": str(tmp_path / "no-stack"), "COLUMNS": "250", **variables}


@pytest.fixture
def cycle(kafka_bootstrap: str, database_url: str, topic_namespace: str, test_id: str, tmp_path: Path) -> Cycle:
    return Cycle(
        cycle_env(
            tmp_path,
            KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap,
            DATABASE_URL=database_url,
            CYCLE_TOPIC_NAMESPACE=topic_namespace,
            CYCLE_SCHEMA_SUFFIX=f"_t{test_id}",
        )
    )


@contextlib.asynccontextmanager
async def consuming(consumer: IdempotentConsumer) -> AsyncIterator[IdempotentConsumer]:
    task = asyncio.create_task(consumer.run())
    try:
        yield consumer
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@contextlib.asynccontextmanager
async def relaying(database_url: str, schema: str, bootstrap: str) -> AsyncIterator[OutboxRelay]:
    relay = OutboxRelay(database_url, schema, bootstrap)
    task = asyncio.create_task(relay.run())
    try:
        yield relay
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def applied_ids(pool: asyncpg.Pool) -> list[Any]:
    return [row["event_id"] for row in await pool.fetch("SELECT event_id FROM applied")]
