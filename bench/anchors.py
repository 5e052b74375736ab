"""The anchors every figure is divided by, measured in the same run on the same broker and database: Kafka's own
perf tools, a raw aiokafka produce loop and a consume-and-decode loop over the same records, a bare FastAPI
endpoint, and a bare asyncpg multi-row insert."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg

from bench import load
from bench.dataset import Dataset
from bench.environment import BenchEnv
from bench.fleet import Fleet
from bench.kafka_loops import consume_loop
from bench.sizes import Sizes
from bench.stats import HttpThroughput, Latency, Throughput
from bench.workload import Message
from services.assessment.streams.topics import listed
from shared.messaging.topics import ensure_topics

_JAVA = ["java", "-Xmx512m", "-Dlog4j2.level=warn"]


def _tool(env: BenchEnv, main: str, *args: str) -> str:
    command = [*_JAVA, "-cp", f"{env.libdir}/*", f"org.apache.kafka.tools.{main}", *args]
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=900).stdout


def producer_performance(env: BenchEnv, topic: str, records: int, record_size: int) -> Throughput:
    """org.apache.kafka.tools.ProducerPerformance with the relay's settings (acks=all, idempotent, linger 5 ms)."""
    output = _tool(
        env, "ProducerPerformance", "--topic", topic, "--num-records", str(records), "--record-size",
        str(record_size), "--throughput", "-1", "--producer-props", f"bootstrap.servers={env.bootstrap}",
        "acks=all", "enable.idempotence=true", "linger.ms=5",
    )  # fmt: skip
    final = output.strip().splitlines()[-1]
    match = re.search(r"([\d.]+) records/sec", final)
    if match is None:
        raise RuntimeError(f"unexpected ProducerPerformance output: {final}")
    return Throughput(records, records / float(match.group(1)))


def consumer_performance(env: BenchEnv, topic: str, records: int) -> Throughput:
    """org.apache.kafka.tools.ConsumerPerformance; its fetch rate, which leaves the group join out as our loops do."""
    output = _tool(
        env, "ConsumerPerformance", "--bootstrap-server", env.bootstrap, "--topic", topic, "--messages",
        str(records), "--group", f"bench-{uuid.uuid4().hex[:8]}", "--hide-header", "--timeout", "60000",
    )  # fmt: skip
    columns = [value.strip() for value in output.strip().splitlines()[-1].split(",")]
    consumed, fetch_ms = int(columns[4]), float(columns[7])
    return Throughput(consumed, fetch_ms / 1000)


async def bare_fastapi(env: BenchEnv, requests: int, concurrency: int) -> HttpThroughput:
    """The bare endpoint (bench/bare_app.py) under uvicorn, hit by httpx with `concurrency` requests in flight."""
    body = {"class_id": str(uuid.uuid4()), "home_region": "Bijie", "poor_household": True, "occurred_on": "2025-09-01"}
    with Fleet(env.logs("anchors")) as fleet:
        server = fleet.service("bare-fastapi", "bench.bare_app:create_app", {})
        await fleet.healthy(server)
        async with load.client(server.url, concurrency) as http:
            await load.post_all(http, "/facts", [body] * min(200, requests), concurrency)  # connections and caches
            answers, seconds = await load.post_all(http, "/facts", [body] * requests, concurrency)
    if load.refused(answers):
        raise RuntimeError(f"the bare endpoint refused: {load.refused(answers)[0]}")
    return HttpThroughput(len(answers), seconds, Latency.of([a.seconds for a in answers]))


async def asyncpg_insert(
    env: BenchEnv, messages: Sequence[Message], rows: int, per_statement: int = 1000
) -> Throughput:
    """Outbox-shaped rows written by one multi-row INSERT ... SELECT FROM unnest(...) per transaction."""
    schema = f"bench_insert_{env.run_id}"
    conn = await asyncpg.connect(env.dsn)
    try:
        await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        await conn.execute(
            f"CREATE TABLE {schema}.rows (position bigserial PRIMARY KEY, event_id uuid NOT NULL UNIQUE,"
            " topic text NOT NULL, key text NOT NULL, headers jsonb NOT NULL, value bytea NOT NULL,"
            " created_at timestamptz NOT NULL DEFAULT now(), published_at timestamptz)"
        )
        sample = [(m.topic, m.key.decode(), _headers_json(m), m.value) for m in messages[: min(len(messages), 1000)]]
        started = time.perf_counter()
        for offset in range(0, rows, per_statement):
            count = min(per_statement, rows - offset)
            chosen = [sample[(offset + n) % len(sample)] for n in range(count)]
            async with conn.transaction():
                await conn.execute(
                    f"INSERT INTO {schema}.rows (event_id, topic, key, headers, value)"
                    " SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::bytea[])",
                    [uuid.uuid4() for _ in range(count)],
                    *(list(column) for column in zip(*chosen, strict=True)),
                )
        return Throughput(rows, time.perf_counter() - started)
    finally:
        await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await conn.close()


def _headers_json(message: Message) -> str:
    return json.dumps({name: value.decode() for name, value in message.headers})


@dataclass(frozen=True)
class Anchors:
    record_bytes: int
    producer_performance: Throughput
    consumer_performance: Throughput
    produce_loop: Throughput
    consume_loop: Throughput
    consume_and_decode: Throughput
    bare_fastapi: HttpThroughput
    asyncpg_insert: Throughput


async def measure_anchors(env: BenchEnv, sizes: Sizes, dataset: Dataset) -> Anchors:
    """The perf tools write and read a topic of their own with records of the dataset's mean size; the loops
    read the dataset's stage topics, which the raw produce loop wrote (`dataset.published`)."""
    topic = env.namespace("anchors") + "perf"
    await ensure_topics(env.bootstrap, [topic], env.partitions)
    await listed(env.bootstrap, [topic], env.partitions, timeout=60)
    records = sizes.kafka_tool_records
    producer = await asyncio.to_thread(producer_performance, env, topic, records, dataset.record_bytes)
    consumer = await asyncio.to_thread(consumer_performance, env, topic, records)
    return Anchors(
        dataset.record_bytes,
        producer,
        consumer,
        dataset.published,
        await consume_loop(env, dataset.topics, decoding=False),
        await consume_loop(env, dataset.topics, decoding=True),
        await bare_fastapi(env, sizes.http_requests, sizes.http_concurrency),
        await asyncpg_insert(env, dataset.sample, sizes.insert_rows),
    )
