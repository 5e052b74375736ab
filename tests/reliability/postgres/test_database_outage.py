"""PostgreSQL stopped for 20 seconds while a programme is posted (issue 13): the stage services answer 503 with
Retry-After, never 500; the client retries with the same Idempotency-Keys; the relays and the learners resume by
themselves; every accepted fact is in its outbox and its topic exactly once and no refused one was applied."""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from chaos.audit import audit, kept_by, learner_lag, topic_events
from chaos.recorder import Outcomes, RecordingTransport
from services.employment.app import create_app as employment_app
from services.recruitment.app import create_app as recruitment_app
from services.training.app import create_app as training_app
from shared.application.clock import SystemClock
from shared.config import ServiceSettings
from shared.infra.postgres_local import LocalPostgres
from simulation.driver import drive
from simulation.generator import scaled_programme
from tests.support.http import operator, serving
from tests.support.waiting import eventually

OUTAGE_SECONDS = 20
STUDENTS = 50  # about 470 facts

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalPostgres]:
    """A PostgreSQL of this test's own, which it stops; commits survive a crash (synchronous_commit on)."""
    server = LocalPostgres(Path(tmp_path_factory.mktemp("postgres")), synchronous_commit=True)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def settings(database: LocalPostgres, kafka_bootstrap: str, topic_namespace: str, test_id: str) -> ServiceSettings:
    return ServiceSettings(
        KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap,
        DATABASE_URL=database.dsn,
        CYCLE_TOPIC_NAMESPACE=topic_namespace,
        CYCLE_TOPIC_PARTITIONS=3,
        CYCLE_SCHEMA_SUFFIX=f"_t{test_id}",
    )


@pytest.fixture
async def services(settings: ServiceSettings) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    clock = SystemClock()
    async with (
        serving(functools.partial(recruitment_app, clock=clock), settings) as recruitment,
        serving(functools.partial(training_app, clock=clock), settings) as training,
        serving(functools.partial(employment_app, clock=clock), settings) as employment,
    ):
        yield {"recruitment": recruitment, "training": training, "employment": employment}


async def test_a_database_stopped_under_load_answers_503_and_loses_or_repeats_nothing(
    database: LocalPostgres, settings: ServiceSettings, services: dict[str, httpx.AsyncClient]
) -> None:
    scenario = scaled_programme(STUDENTS, seed=3)
    recorder = RecordingTransport()
    urls = {name: str(client.base_url) for name, client in services.items()}
    posting = asyncio.create_task(
        drive(scenario, urls, concurrency=8, wait_timeout=300, transport=recorder, credential=await operator(settings))
    )
    await eventually(lambda: _answered(recorder, scenario.fact_count() // 3), timeout=300)
    assert not posting.done()
    database.stop()
    stopped_at = time.monotonic()
    await eventually(lambda: _answered_503(recorder), timeout=OUTAGE_SECONDS)
    await asyncio.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped_at)))  # the outage itself, not a wait
    database.start()
    report, _ = await asyncio.wait_for(posting, timeout=600)

    assert report.failures == []
    assert 500 not in recorder.statuses, "a request failed with 500 instead of 503"
    unavailable = [a for a in recorder.answers if a.status == 503]
    assert unavailable
    assert all(a.retry_after for a in unavailable), "every 503 says when to retry"
    schemas = {name: name + settings.schema_suffix for name in services}
    await eventually(lambda: _all_published(settings, list(schemas.values())), timeout=120, interval=0.5)
    groups = [
        f"{settings.topic_namespace}{schemas[s]}.{c}" for s, c in (("training", "roster"), ("employment", "upstream"))
    ]
    lag = await eventually(lambda: _caught_up(settings, groups), timeout=120, interval=0.5)
    assert set(lag) == set(groups)
    for client in services.values():
        health = await eventually(lambda c=client: _healthy(c), timeout=60, interval=0.5)  # type: ignore[misc]
        assert health["relay_listening"]
        assert health["database_reachable"]

    kept = {name: await kept_by(settings.database_url, schema) for name, schema in schemas.items()}
    topics = await topic_events(settings.kafka_bootstrap_servers, settings.topic_namespace)
    ports = {client.base_url.port: name for name, client in services.items()}
    found = audit(Outcomes.of(recorder.answers), ports, kept, topics)  # type: ignore[arg-type]
    assert found.accepted == report.total_commands
    assert found.lost == [], "accepted facts missing from their outbox or topic"
    assert found.duplicated == [], "facts that took effect twice"
    assert found.refused_but_applied == []
    assert found.unanswered == found.server_errors == found.unpublished == found.refused_by_broker == 0


async def _answered(recorder: RecordingTransport, count: int) -> bool:
    return recorder.accepted >= count


async def _answered_503(recorder: RecordingTransport) -> bool:
    return recorder.statuses[503] > 0


async def _all_published(settings: ServiceSettings, schemas: list[str]) -> bool:
    kept = [await kept_by(settings.database_url, schema) for schema in schemas]
    return not any(k.unpublished for k in kept)


async def _caught_up(settings: ServiceSettings, groups: list[str]) -> dict[str, int] | None:
    lag = await learner_lag(settings.kafka_bootstrap_servers, groups, settings.topic_namespace)
    return lag if len(lag) == len(groups) and not any(lag.values()) else None


async def _healthy(client: httpx.AsyncClient) -> dict[str, object] | None:
    body: dict[str, object] = (await client.get("/health")).json()
    return body if body.get("status") == "ok" else None
