"""The lifecycle every stage service shares: migrate, create topics, open the pool, run relay and consumers.

`create_app` of each service describes itself with a `ServiceSpec`; nothing runs at import time.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import structlog
from fastapi import FastAPI, Request

from shared.config import ServiceSettings
from shared.contracts.base import Stage
from shared.contracts.registry import STAGE_TOPICS
from shared.messaging.consumer import Handler, IdempotentConsumer, run_forever
from shared.messaging.outbox import Outbox
from shared.messaging.relay import OutboxRelay
from shared.messaging.topics import ensure_topics, product_topics
from shared.persistence.database import create_pool, migrate
from shared.web.errors import install_error_handlers

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class ConsumerSpec:
    name: str
    stages: tuple[Stage, ...]
    handler_factory: Callable[[ServiceSettings], Handler]


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    stage: Stage
    migrations: Path
    consumers: tuple[ConsumerSpec, ...] = field(default=())

    def schema(self, settings: ServiceSettings) -> str:
        return self.name + settings.schema_suffix


@dataclass
class Runtime:
    settings: ServiceSettings
    pool: asyncpg.Pool
    outbox: Outbox
    relay: OutboxRelay
    consumers: list[IdempotentConsumer]


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def _consumer(
    spec: ServiceSpec, consumer: ConsumerSpec, settings: ServiceSettings, pool: asyncpg.Pool
) -> IdempotentConsumer:
    return IdempotentConsumer(
        group=f"{settings.topic_namespace}{spec.schema(settings)}.{consumer.name}",
        topics=[settings.topic_namespace + STAGE_TOPICS[stage] for stage in consumer.stages],
        bootstrap=settings.kafka_bootstrap_servers,
        pool=pool,
        handler=consumer.handler_factory(settings),
        topic_namespace=settings.topic_namespace,
    )


@contextlib.asynccontextmanager
async def run_service(app: FastAPI, spec: ServiceSpec, settings: ServiceSettings) -> AsyncIterator[None]:
    schema = spec.schema(settings)
    await migrate(settings.database_url, schema, spec.migrations)
    await ensure_topics(
        settings.kafka_bootstrap_servers, product_topics(settings.topic_namespace), settings.topic_partitions
    )
    pool = await create_pool(settings.database_url, schema)
    relay = OutboxRelay(settings.database_url, schema, settings.kafka_bootstrap_servers)
    consumers = [_consumer(spec, c, settings, pool) for c in spec.consumers]
    app.state.runtime = Runtime(settings, pool, Outbox(schema, spec.stage, settings.topic_namespace), relay, consumers)
    tasks = [asyncio.create_task(relay.run(), name=f"{schema}-relay")]
    tasks += [asyncio.create_task(run_forever(c), name=c.group) for c in consumers]
    log.info("service started", service=spec.name, schema=schema)
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await pool.close()


def build_app(
    spec: ServiceSpec, settings: ServiceSettings, *, title: str, description: str, version: str = "1.0.0"
) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with run_service(app, spec, settings):
            yield

    app = FastAPI(title=title, description=description, version=version, lifespan=lifespan)
    install_error_handlers(app)

    @app.get("/health", tags=["operations"], summary="Liveness and outbox backlog")
    async def health(request: Request) -> dict[str, object]:
        runtime = runtime_of(request)
        backlog = await runtime.pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")
        return {
            "status": "ok",
            "service": spec.name,
            "outbox_backlog": backlog,
            "published": runtime.relay.published,
        }

    return app
