"""/metrics counts requests by route template; a fact's trace follows it from the request through Kafka to the
consumer that learns it."""

from __future__ import annotations

import asyncio
import contextlib
from uuid import uuid4

import asyncpg
import httpx
from fastapi import FastAPI

from shared.contracts.envelope import Envelope
from shared.messaging.consumer import IdempotentConsumer
from shared.messaging.outbox import Outbox
from shared.messaging.relay import OutboxRelay
from shared.observability import tracing
from shared.observability.metrics import install_observability
from tests.support.backbone import withdrawal, write_events
from tests.support.waiting import eventually

PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


async def test_metrics_count_requests_by_route_and_the_answer_echoes_a_span_of_the_callers_trace():
    app = FastAPI()
    install_observability(app, "probe")

    @app.get("/learners/{student_id}")
    async def learner(student_id: str) -> dict[str, str]:
        return {"trace": tracing.current() or ""}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://probe") as client:
        answer = await client.get(f"/learners/{uuid4()}", headers={"traceparent": PARENT})
        metrics = (await client.get("/metrics/")).text

    assert tracing.trace_id_of(answer.headers["traceparent"]) == tracing.trace_id_of(PARENT)
    assert answer.json()["trace"] == answer.headers["traceparent"]
    assert 'cycle_http_requests_total{method="GET",route="/learners/{student_id}",service="probe",status="200"}' in (
        metrics
    )


@contextlib.asynccontextmanager
async def running(*tasks_of: object):
    tasks = [asyncio.create_task(run()) for run in tasks_of]  # type: ignore[operator]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def test_a_consumer_handles_an_event_in_a_span_of_the_trace_that_recorded_it(
    pool: asyncpg.Pool, outbox: Outbox, schema: str, database_url: str, kafka_bootstrap: str, topic_namespace: str
):
    seen: list[str | None] = []

    async def learn(_: asyncpg.Connection, envelope: Envelope) -> None:
        seen.append(tracing.current())

    with tracing.span(PARENT) as recorded_in:
        event = withdrawal(uuid4()).model_copy(update={"traceparent": recorded_in})
    await write_events(pool, outbox, [event])
    consumer = IdempotentConsumer(
        group=f"{topic_namespace}trace-test",
        topics=[f"{topic_namespace}cycle.training"],
        bootstrap=kafka_bootstrap,
        pool=pool,
        handler=learn,
        topic_namespace=topic_namespace,
    )
    relay = OutboxRelay(database_url, schema, kafka_bootstrap)
    async with running(relay.run, consumer.run):
        await eventually(lambda: _some(seen), timeout=60)

    assert seen[0] is not None
    assert seen[0] != recorded_in
    assert tracing.trace_id_of(seen[0]) == tracing.trace_id_of(PARENT)


async def _some(values: list[str | None]) -> bool:
    return bool(values)
