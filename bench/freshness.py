"""(4) Event-to-figure freshness: events sent at a steady rate to a running worker; each one's freshness is the time
from its send to the first moment the figures that count it can be read.

Live answers are rendered from the tallies a worker's live flush writes, in one transaction with `live_progress`
(the next offset of each partition they count), so an event at offset o of a partition is in the live figures as
soon as that partition's live progress passes o. It is polled every `POLL_SECONDS`; each event's freshness is taken
at the first poll that sees it, an upper bound at most one poll interval above the truth.
"""

from __future__ import annotations

import asyncio
import math
import time
from bisect import bisect_right
from dataclasses import dataclass

from aiokafka.structs import RecordMetadata

from bench.collector import collector_frozen
from bench.environment import BenchEnv
from bench.fleet import Fleet
from bench.kafka_loops import produce_loop
from bench.profiling import Profiler, no_profiler
from bench.progress import Watch
from bench.stats import Latency, rate
from bench.workload import BUSINESS_DATE, Message, message_of, programme
from services.assessment.store import AssessmentStore, open_store
from shared.messaging.relay import idempotent_producer
from shared.messaging.topics import ensure_topics, product_topics

NAME = "fresh"
POLL_SECONDS = 0.02
FIRST_SECONDS = 10.0  # the stream's first seconds, reported apart: the worker meets most of its students then
EVENTS_PER_STUDENT = 7  # a little under the workload's mean, so the stream never runs short


@dataclass(frozen=True)
class Hold:
    """A send that waited for room in the producer: aiokafka sends one request at a time to a broker and appends to
    a partition's batch while the one before it is not answered, so a wait here is the broker answering late (or this
    process not running), and the events sent meanwhile reach it late: their freshness counts from before the wait."""

    ms: float
    at_seconds: float  # into the stream


@dataclass(frozen=True)
class Freshness:
    target_per_second: int
    sent: int
    send_seconds: float
    flush_seconds: float  # the worker's ASSESSMENT_FLUSH_SECONDS
    latency: Latency  # send -> its figures readable in a live answer
    live_seconds: float = 0.2  # the worker's ASSESSMENT_LIVE_SECONDS
    # The same, of the events sent in the first FIRST_SECONDS and of those sent after (None: none was)
    first: Latency | None = None
    after: Latency | None = None
    held: Hold | None = None  # the longest wait of the sender for room in its producer

    @property
    def sent_per_second(self) -> float:
        return rate(self.sent, self.send_seconds)


@dataclass(frozen=True)
class Sent:
    at: float  # perf_counter
    topic: str
    partition: int
    offset: int


async def paced(env: BenchEnv, messages: list[Message], per_second: int) -> tuple[list[Sent], Hold]:
    """Send at `per_second`, each record at its own scheduled moment (t0 + i / rate), with the relay's producer;
    the records acknowledged, and the longest a send waited."""
    producer = idempotent_producer(env.bootstrap)
    await producer.start()
    sent: list[Sent] = []

    def acknowledged(at: float) -> object:
        def keep(delivery: asyncio.Future[RecordMetadata]) -> None:
            if not delivery.cancelled() and delivery.exception() is None:
                meta = delivery.result()
                sent.append(Sent(at, meta.topic, meta.partition, meta.offset))

        return keep

    try:
        started, pending, held = time.perf_counter(), [], Hold(0.0, 0.0)
        for index, message in enumerate(messages):
            delay = started + index / per_second - time.perf_counter()
            if delay > 0.001:
                await asyncio.sleep(delay)
            at = time.perf_counter()
            delivery = await producer.send(message.topic, key=message.key, value=message.value, headers=message.headers)
            if (waited := 1_000 * (time.perf_counter() - at)) > held.ms:
                held = Hold(waited, at - started)
            delivery.add_done_callback(acknowledged(at))
            pending.append(delivery)
        await asyncio.gather(*pending)
        return sent, held
    finally:
        await producer.stop()


async def poll_progress(
    store: AssessmentStore, generation: str, polls: list[tuple[float, dict[tuple[str, int], int]]]
) -> None:
    while True:
        at = time.perf_counter()
        polls.append((at, await store.live_progress(generation)))
        await asyncio.sleep(max(0.0, POLL_SECONDS - (time.perf_counter() - at)))


def freshness_of(sent: list[Sent], polls: list[tuple[float, dict[tuple[str, int], int]]]) -> list[float]:
    """Per event: the first poll (taken after its send) whose progress of its partition is past its offset."""
    times = [at for at, _ in polls]
    found = []
    for event in sent:
        for index in range(bisect_right(times, event.at), len(polls)):
            if polls[index][1].get((event.topic, event.partition), 0) > event.offset:
                found.append(polls[index][0] - event.at)
                break
        else:
            found.append(math.inf)  # never seen flushed: the worker fell behind for good
    return found


async def measure_freshness(
    env: BenchEnv,
    per_second: int,
    seconds: float,
    flush_seconds: float | None = None,
    profiler: Profiler = no_profiler,
    name: str = NAME,
) -> Freshness:
    namespace, count = env.namespace(name), max(1, round(per_second * seconds))
    await ensure_topics(env.bootstrap, product_topics(namespace), env.partitions)
    generated = programme(count // EVENTS_PER_STUDENT + 1, students_per_partnership=50, seed=4)
    opening = [message_of(e, namespace) for e in generated.opening]
    stream = [message_of(e, namespace) for e in generated.stories[:count]]
    settings = env.assessment(name, "fresh", BUSINESS_DATE, flush_seconds)
    store = await open_store(settings.database_url, settings.db_schema)
    polls: list[tuple[float, dict[tuple[str, int], int]]] = []
    try:
        with Fleet(env.logs(name)) as fleet, collector_frozen():
            worker = fleet.worker("worker", settings)
            await produce_loop(env, opening)  # the partnerships exist before the steady stream starts
            await Watch(store, settings).until_settled(300, lambda: fleet.check(worker))
            polling = asyncio.create_task(poll_progress(store, settings.generation, polls))
            try:
                started = time.perf_counter()
                async with profiler.during("freshness (worker)", worker.pid):
                    sent, held = await paced(env, stream, per_second)
                send_seconds = time.perf_counter() - started
                await Watch(store, settings).until_settled(max(600, 5 * seconds), lambda: fleet.check(worker))
            finally:
                polling.cancel()
                await asyncio.gather(polling, return_exceptions=True)
    finally:
        await store.close()
    found = freshness_of(sent, polls)
    early = [event.at - started < FIRST_SECONDS for event in sent]
    first = [latency for latency, is_early in zip(found, early, strict=True) if is_early]
    after = [latency for latency, is_early in zip(found, early, strict=True) if not is_early]
    return Freshness(
        per_second,
        len(sent),
        send_seconds,
        settings.flush_seconds,
        Latency.of(found),
        settings.live_seconds,
        Latency.of(first) if first else None,
        Latency.of(after) if after else None,
        held,
    )
