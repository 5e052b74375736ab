"""The stream the assessment benchmarks share: a programme of students published once to a namespace's stage topics
by the raw aiokafka produce loop (an anchor), then read by the consume anchors, the rebuild and the workers."""

from __future__ import annotations

from dataclasses import dataclass

from bench.environment import BenchEnv
from bench.kafka_loops import produce_loop
from bench.stats import Throughput
from bench.workload import Message, message_of, programme
from shared.contracts.registry import stage_topics
from shared.messaging.topics import ensure_topics, product_topics

NAME = "assess"


@dataclass(frozen=True)
class Dataset:
    name: str  # the measurement name its topics and schemas are named after
    namespace: str
    students: int
    events: int
    topics: list[str]
    record_bytes: int  # mean value and headers
    published: Throughput  # the raw produce loop that wrote it
    sample: list[Message]  # its first records, for anchors that need rows shaped like ours


def record_bytes(messages: list[Message]) -> int:
    total = sum(len(m.value) + sum(len(k) + len(v) for k, v in m.headers) for m in messages)
    return max(1, round(total / max(1, len(messages))))


async def publish_dataset(env: BenchEnv, students: int, name: str = NAME) -> Dataset:
    namespace = env.namespace(name)
    messages = [message_of(envelope, namespace) for envelope in programme(students).events]
    # The stage services create every topic of their namespace (figures and alerts too) before anyone needs them.
    await ensure_topics(env.bootstrap, product_topics(namespace), env.partitions)
    published = await produce_loop(env, messages)
    return Dataset(
        name,
        namespace,
        students,
        len(messages),
        stage_topics(namespace),
        record_bytes(messages),
        published,
        messages[:1000],
    )
