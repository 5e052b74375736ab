"""Replaying dead letters to the topic they came from, each at most once.

Each copy is published in one Kafka transaction with a ledger record keyed by the dead letter's position, so the
copy and the note that it was made commit together. The producer's fixed transactional id fences an earlier
replayer still running (Kafka aborts its open transaction), and the ledger is read only after that, so a second
replay, even a concurrent one, finds the first one's notes and skips those dead letters.

Consumers reading uncommitted data could still see the copy of an aborted attempt; every consumer of ours applies an
event id once (shared/messaging/consumer.py), which absorbs it, as it absorbs the copy in the groups that had
already applied the event before it failed elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from aiokafka import AIOKafkaProducer
from aiokafka.errors import (
    InvalidProducerEpoch,
    InvalidProducerIdMapping,
    InvalidTxnState,
    KafkaError,
    ProducerFenced,
    UnknownError,
)

from shared.messaging.topics import ensure_topics
from shared.ops.broker import CONNECT_SECONDS, reachable
from shared.ops.dlq import LEDGER_CONFIG, LEDGER_TOPIC, DeadLetter, replayed_positions
from shared.ops.errors import ReplayTakenOver

REPLAYED_FROM_HEADER = "replayed_from"

# What the transaction coordinator answers a replayer whose transactional id another replayer has since registered:
# fenced, or, while it is still aborting the old one's transaction, an epoch or state that is no longer its own.
# aiokafka's sender passes on only the first as itself; the others reach us wrapped in a KafkaError. Its table of
# error codes ends at 79, so the codes brokers answer a fenced transactional producer with since (PRODUCER_FENCED,
# 90; TRANSACTION_ABORTABLE, 120) reach us as UnknownError: a fresh-clone CI run saw one, with two replays at once.
TAKEN_OVER = (ProducerFenced, InvalidProducerEpoch, InvalidTxnState, InvalidProducerIdMapping, UnknownError)


class Result(StrEnum):
    REPLAYED = "replayed"
    ALREADY_REPLAYED = "already replayed"
    NO_SOURCE = "no source topic in its headers"


@dataclass(frozen=True)
class ReplayOutcome:
    letter: DeadLetter
    result: Result


def replay_transactional_id(namespace: str) -> str:
    return f"{namespace}cycle-dlq-replay"


async def replay(
    bootstrap: str,
    letters: Sequence[DeadLetter],
    *,
    namespace: str = "",
    on_each: Callable[[ReplayOutcome], None] = lambda _: None,
) -> list[ReplayOutcome]:
    ledger = namespace + LEDGER_TOPIC
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        transactional_id=replay_transactional_id(namespace),
        enable_idempotence=True,
        request_timeout_ms=int(CONNECT_SECONDS * 1000),
    )
    outcomes = []
    async with reachable(bootstrap):
        await ensure_topics(bootstrap, [ledger], 1, LEDGER_CONFIG)
        try:
            await producer.start()  # registers the transactional id: fences an earlier replayer
            done = await replayed_positions(bootstrap, namespace)
            for letter in letters:
                outcome = ReplayOutcome(letter, await _replay_one(producer, ledger, letter, done))
                outcomes.append(outcome)
                on_each(outcome)
        except KafkaError as error:
            if _taken_over(error):
                raise ReplayTakenOver() from error
            raise
        finally:
            await producer.stop()
    return outcomes


def _taken_over(error: BaseException | None) -> bool:
    while error is not None:
        if isinstance(error, TAKEN_OVER):
            return True
        error = error.__cause__
    return False


async def _replay_one(producer: AIOKafkaProducer, ledger: str, letter: DeadLetter, done: set[str]) -> Result:
    if letter.position in done:
        return Result.ALREADY_REPLAYED
    if not letter.source_topic:
        return Result.NO_SOURCE
    note = {"source": letter.source, "event_id": letter.event_id, "replayed_at": datetime.now(UTC).isoformat()}
    # send_and_wait, not send: every delivery's outcome is awaited, so a fenced replay leaves no failed future behind.
    async with producer.transaction():
        await producer.send_and_wait(
            letter.source_topic,
            key=letter.record.key,
            value=letter.record.value,
            headers=[*letter.original_headers(), (REPLAYED_FROM_HEADER, letter.position.encode())],
        )
        await producer.send_and_wait(ledger, key=letter.position.encode(), value=json.dumps(note).encode())
    done.add(letter.position)
    return Result.REPLAYED
