"""The lifecycle every stage service shares: migrate, create topics, open the pool and the identity (issue 10),
build the pipeline, run the relay and the Kafka learners.

`create_app` of each service describes itself with a `ServiceSpec` and hands its routers to `build_app`, which
secures every one of them (only `/health`, `/docs`, `/openapi.json` and `/oauth/token` stay open); nothing runs
at import time. A learner is
the pipeline's handler for `Envelope`: the consumer's batch transaction is joined, so the processed-event row
and the effect commit together, and a domain refusal dead-letters the record with its reason.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import structlog
from fastapi import APIRouter, FastAPI, Request

from shared.application.clock import Clock, SystemClock
from shared.application.pipeline import Handler, Pipeline
from shared.config import ServiceSettings
from shared.contracts.base import Stage
from shared.contracts.envelope import Envelope
from shared.contracts.registry import STAGE_TOPICS
from shared.errors import DomainError
from shared.messaging.consumer import Handler as RecordHandler
from shared.messaging.consumer import IdempotentConsumer, RejectedEvent, run_forever
from shared.messaging.outbox import Outbox
from shared.messaging.relay import OutboxRelay
from shared.messaging.topics import ensure_topics, product_topics
from shared.observability.logs import configure_logging
from shared.observability.metrics import install_observability
from shared.persistence.database import create_pool, migrate
from shared.persistence.unit_of_work import PostgresUnitOfWork
from shared.security.access import PostgresMembershipDirectory
from shared.security.policy import EventPolicy
from shared.security.runtime import open_identity
from shared.security.settings import refuse_unsafe
from shared.web.auth import install_auth, secured
from shared.web.collector import freeze_startup_objects
from shared.web.edge import install_edge
from shared.web.health import ServiceMonitor
from shared.web.problems import dead_letter_reason, install_problem_handlers

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class ConsumerSpec:
    """A Kafka learner: the events of `stages` go to the pipeline's handler for `Envelope`."""

    name: str
    stages: tuple[Stage, ...]


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    stage: Stage
    source: str
    migrations: Path
    handlers: Mapping[type, Handler[Any]]
    unit_of_work: type[PostgresUnitOfWork]
    consumers: tuple[ConsumerSpec, ...] = field(default=())

    def schema(self, settings: ServiceSettings) -> str:
        return self.name + settings.schema_suffix


@dataclass
class Runtime:
    settings: ServiceSettings
    pool: asyncpg.Pool
    outbox: Outbox
    pipeline: Pipeline[Any]
    relay: OutboxRelay
    consumers: list[IdempotentConsumer]
    monitor: ServiceMonitor


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def _learner(spec: ServiceSpec, settings: ServiceSettings, writer: Outbox, pipeline: Pipeline[Any]) -> RecordHandler:
    async def learn(conn: asyncpg.Connection, envelope: Envelope) -> None:
        try:
            await pipeline.handle(envelope, unit_of_work=spec.unit_of_work(writer, settings, conn=conn))
        except DomainError as error:
            raise RejectedEvent(f"{envelope.type} {envelope.id}: {dead_letter_reason(error)}") from error

    return learn


def _consumer(
    spec: ServiceSpec, consumer: ConsumerSpec, settings: ServiceSettings, pool: asyncpg.Pool, learn: RecordHandler
) -> IdempotentConsumer:
    return IdempotentConsumer(
        group=f"{settings.topic_namespace}{spec.schema(settings)}.{consumer.name}",
        topics=[settings.topic_namespace + STAGE_TOPICS[stage] for stage in consumer.stages],
        bootstrap=settings.kafka_bootstrap_servers,
        pool=pool,
        handler=learn,
        topic_namespace=settings.topic_namespace,
    )


@contextlib.asynccontextmanager
async def run_service(app: FastAPI, spec: ServiceSpec, settings: ServiceSettings, clock: Clock) -> AsyncIterator[None]:
    schema = spec.schema(settings)
    await migrate(settings.database_url, schema, spec.migrations)
    await ensure_topics(
        settings.kafka_bootstrap_servers, product_topics(settings.topic_namespace), settings.topic_partitions
    )
    pool = await create_pool(settings.database_url, schema)
    async with contextlib.AsyncExitStack() as stack:
        stack.push_async_callback(pool.close)
        app.state.identity = await stack.enter_async_context(
            open_identity(settings, settings.database_url, pool, clock=clock)
        )
        app.state.runtime = _runtime(spec, settings, pool, clock)
        app.state.memberships = PostgresMembershipDirectory(pool)
        async with _running(app.state.runtime, schema):
            log.info("service started", service=spec.name, schema=schema)
            yield


def _runtime(spec: ServiceSpec, settings: ServiceSettings, pool: asyncpg.Pool, clock: Clock) -> Runtime:
    relay = OutboxRelay(settings.database_url, spec.schema(settings), settings.kafka_bootstrap_servers)
    writer = Outbox(spec.schema(settings), spec.stage, settings.topic_namespace)
    pipeline = Pipeline(
        spec.handlers, lambda: spec.unit_of_work(writer, settings, pool=pool), clock, spec.source, EventPolicy()
    )
    learn = _learner(spec, settings, writer, pipeline)
    consumers = [_consumer(spec, c, settings, pool, learn) for c in spec.consumers]
    monitor = ServiceMonitor(settings, pool, relay, consumers)
    return Runtime(settings, pool, writer, pipeline, relay, consumers, monitor)


@contextlib.asynccontextmanager
async def _running(runtime: Runtime, schema: str) -> AsyncIterator[None]:
    """The relay, the health monitor and the learners, as tasks cancelled when the service stops."""
    tasks = [asyncio.create_task(runtime.relay.run(), name=f"{schema}-relay")]
    tasks.append(asyncio.create_task(runtime.monitor.run(), name=f"{schema}-monitor"))
    tasks += [asyncio.create_task(run_forever(c), name=c.group) for c in runtime.consumers]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def build_app(
    spec: ServiceSpec,
    settings: ServiceSettings,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    clock: Clock | None = None,
    version: str = "1.0.0",
) -> FastAPI:
    """The service's app: refuses to be built with unsafe production settings, then every router secured."""
    refuse_unsafe(settings, national_id_key=settings.national_id_key, operator_token=settings.operator_token)
    configure_logging(settings.log_level, settings.log_format)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with run_service(app, spec, settings, clock or SystemClock()):
            freeze_startup_objects()
            yield

    app = FastAPI(title=title, description=description, version=version, lifespan=lifespan)
    install_problem_handlers(app)
    install_auth(app)
    install_edge(app, settings)
    install_observability(app, spec.name)

    @app.get("/health", tags=["operations"], summary="Liveness, and what is degraded: broker, relay, backlog, lag")
    async def health(request: Request) -> dict[str, object]:
        return runtime_of(request).monitor.as_json(spec.name)

    for router in routers:
        app.include_router(secured(router))
    return app
