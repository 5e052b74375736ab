"""Records no consumer can decode, posted on purpose into the stage topics: each must reach the dead-letter topic
of every consumer group that reads its topic, and nothing else may (a valid fact dead-lettered is a lost fact)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer

from chaos.reading import read_to_end
from shared.contracts.base import Stage
from shared.contracts.registry import STAGE_TOPICS

POISON_KEY_PREFIX = b"chaos-poison-"
DEAD_LETTER_PREFIX = "cycle.dlq."
# Who reads each stage topic (services/*/adapters/kafka.py and the assessment worker), hence where a poison lands.
READERS: dict[Stage, tuple[str, ...]] = {
    Stage.PARTNERSHIP: ("training.roster", "employment.upstream", "assessment"),
    Stage.RECRUITMENT: ("training.roster", "employment.upstream", "assessment"),
    Stage.TRAINING: ("employment.upstream", "assessment"),
    Stage.EMPLOYMENT: ("assessment",),
}
# Three ways to be undecodable: bytes that are no JSON, JSON without the CloudEvents headers, an unknown type.
_SHAPES: tuple[tuple[bytes, list[tuple[str, bytes]]], ...] = (
    (b"\x00\xffnot an event", []),
    (json.dumps({"student_id": "nobody"}).encode(), []),
    (
        json.dumps({"reason": "chaos"}).encode(),
        [("ce_type", b"ChaosMonkeyDanced"), ("ce_specversion", b"1.0"), ("ce_id", b"not-a-uuid")],
    ),
)


@dataclass(frozen=True)
class Poison:
    key: bytes
    stage: Stage


def poisons(count: int) -> list[Poison]:
    stages = list(READERS)
    return [Poison(POISON_KEY_PREFIX + str(n).encode(), stages[n % len(stages)]) for n in range(count)]


def expected_dead_letters(sent: list[Poison]) -> Counter[tuple[str, bytes]]:
    """(dead-letter topic, poison key) -> 1 for every reader of every poison's topic."""
    return Counter({(DEAD_LETTER_PREFIX + group, p.key): 1 for p in sent for group in READERS[p.stage]})


async def post(bootstrap: str, sent: list[Poison]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for n, poison in enumerate(sent):
            value, headers = _SHAPES[n % len(_SHAPES)]
            await producer.send_and_wait(STAGE_TOPICS[poison.stage], key=poison.key, value=value, headers=headers)
    finally:
        await producer.stop()


@dataclass(frozen=True)
class DeadLetters:
    poisoned: Counter[tuple[str, bytes]]  # (topic, poison key) -> copies
    other: list[tuple[str, bytes | None, str]]  # (topic, key, reason): records that were not poisoned

    @property
    def total(self) -> int:
        return sum(self.poisoned.values()) + len(self.other)


async def read_dead_letters(bootstrap: str) -> DeadLetters:
    poisoned: Counter[tuple[str, bytes]] = Counter()
    other: list[tuple[str, bytes | None, str]] = []
    async for record in read_to_end(bootstrap, lambda topic: topic.startswith(DEAD_LETTER_PREFIX)):
        if record.key is not None and record.key.startswith(POISON_KEY_PREFIX):
            poisoned[(record.topic, record.key)] += 1
        else:
            reason = dict(record.headers).get("dlq_reason", b"").decode(errors="replace")
            other.append((record.topic, record.key, reason[:300]))
    return DeadLetters(poisoned, other)
