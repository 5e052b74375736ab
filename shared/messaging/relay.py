"""The outbox relay: publishes unpublished rows in order with an idempotent producer, then marks them sent.

A crash between publish and mark re-publishes those rows after restart; consumers absorb the copies by event id.
One relay per schema publishes at a time (a session advisory lock), so rows leave in position order.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from shared.messaging.outbox import notify_channel

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class RelaySettings:
    batch_size: int = 500
    idle_poll_seconds: float = 5.0
    retry_seconds: float = 0.5
    request_timeout_ms: int = 10_000


def idempotent_producer(bootstrap: str, request_timeout_ms: int = 10_000) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        enable_idempotence=True,  # forces acks=all; retries keep per-partition order without duplicates
        acks="all",
        linger_ms=5,
        request_timeout_ms=request_timeout_ms,
    )


class OutboxRelay:
    def __init__(self, dsn: str, schema: str, bootstrap: str, settings: RelaySettings | None = None) -> None:
        self._dsn = dsn
        self._schema = schema
        self._bootstrap = bootstrap
        self._settings = settings or RelaySettings()
        self._wake = asyncio.Event()
        self.published = 0
        self.listening = False

    async def run(self) -> None:
        """Publish until cancelled; broker or database outages are waited out, never fatal."""
        while True:
            try:
                await self._run_once()
            except asyncio.CancelledError:
                raise
            except (OSError, KafkaError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                log.warning("outbox relay interrupted; retrying", schema=self._schema, error=repr(error))
                await asyncio.sleep(self._settings.retry_seconds)

    async def _run_once(self) -> None:
        conn = await asyncpg.connect(self._dsn, server_settings={"search_path": self._schema})
        producer = idempotent_producer(self._bootstrap, self._settings.request_timeout_ms)
        try:
            # Two-key lock space: never collides with the writers' per-key transaction locks.
            await conn.execute("SELECT pg_advisory_lock(1, hashtext($1))", notify_channel(self._schema))
            await conn.add_listener(notify_channel(self._schema), self._on_notify)
            self.listening = True
            await producer.start()
            while True:
                if await self._publish_batch(conn, producer) < self._settings.batch_size:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), self._settings.idle_poll_seconds)
                    self._wake.clear()
        finally:
            self.listening = False
            with contextlib.suppress(Exception):
                await producer.stop()
            with contextlib.suppress(Exception):
                await conn.close(timeout=2)

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    async def _publish_batch(self, conn: asyncpg.Connection, producer: AIOKafkaProducer) -> int:
        rows = await conn.fetch(
            "SELECT position, topic, key, headers, value FROM outbox"
            " WHERE published_at IS NULL ORDER BY position LIMIT $1",
            self._settings.batch_size,
        )
        if not rows:
            return 0
        pending = [
            await producer.send(
                row["topic"],
                key=row["key"].encode(),
                value=row["value"],
                headers=[(k, v.encode()) for k, v in json.loads(row["headers"]).items()],
            )
            for row in rows
        ]
        await asyncio.gather(*pending)
        await self._mark_published(conn, rows)
        self.published += len(rows)
        log.debug("outbox published", schema=self._schema, count=len(rows))
        return len(rows)

    async def _mark_published(self, conn: asyncpg.Connection, rows: list[asyncpg.Record]) -> None:
        await conn.execute(
            "UPDATE outbox SET published_at = now() WHERE position = ANY($1::bigint[])",
            [row["position"] for row in rows],
        )
