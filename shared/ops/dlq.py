"""Dead letters: records a consumer gave up on, with the reason and origin it wrote in `dlq_*` headers
(shared/messaging/consumer.py), and the ledger of those already replayed.

A dead letter is named by its place in its dead-letter topic (`topic:partition:offset`); that place never changes,
so it is the key of the replay ledger.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.contracts.registry import dead_letter_topic
from shared.ops.broker import admin_client
from shared.ops.errors import NotFound
from shared.ops.reader import StoredRecord, read_topic

# Compacted: one record per replayed dead letter, kept as long as the dead letters may be.
LEDGER_TOPIC = "cycle.ops.dlq-replays"
LEDGER_CONFIG = {"cleanup.policy": "compact", "retention.ms": "-1"}


@dataclass(frozen=True)
class DeadLetter:
    record: StoredRecord

    @property
    def position(self) -> str:
        return f"{self.record.topic}:{self.ref}"

    @property
    def ref(self) -> str:
        return f"{self.record.partition}:{self.record.offset}"

    @property
    def reason(self) -> str:
        return self.record.header("dlq_reason") or "no dlq_reason header"

    @property
    def group(self) -> str | None:
        return self.record.header("dlq_consumer_group")

    @property
    def source_topic(self) -> str | None:
        return self.record.header("dlq_topic")

    @property
    def source(self) -> str:
        return f"{self.source_topic}:{self.record.header('dlq_partition')}:{self.record.header('dlq_offset')}"

    @property
    def failed_at(self) -> str | None:
        return self.record.header("dlq_failed_at")

    @property
    def event_id(self) -> str | None:
        return self.record.header("ce_id")

    @property
    def event_type(self) -> str | None:
        return self.record.header("ce_type")

    def original_headers(self) -> list[tuple[str, bytes]]:
        """The headers the record had before it was dead-lettered: a replayed copy must decode as the original."""
        return [(name, value) for name, value in self.record.headers if not name.startswith("dlq_")]


def dead_letter_topics(names: list[str], namespace: str = "") -> list[str]:
    return sorted(name for name in names if name.startswith(dead_letter_topic("", namespace)))


def resolve(names: list[str], namespace: str, wanted: str) -> str:
    """The dead-letter topic named by its topic name, its consumer group, or an unambiguous end of either."""
    topics = dead_letter_topics(names, namespace)
    exact = [t for t in topics if wanted in (t, t.removeprefix(dead_letter_topic("", namespace)))]
    matches = exact or [t for t in topics if t.endswith(wanted)]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(topics) or "none"
    if matches:
        raise NotFound(f"{wanted!r} names several dead-letter topics: {', '.join(matches)}", "give the full name")
    raise NotFound(f"no dead-letter topic for {wanted!r}", f"dead-letter topics: {known}")


async def find_dead_letter_topics(bootstrap: str, namespace: str = "", wanted: str | None = None) -> list[str]:
    async with admin_client(bootstrap) as admin:
        names = await admin.list_topics()
    return [resolve(names, namespace, wanted)] if wanted else dead_letter_topics(names, namespace)


async def read_dead_letters(bootstrap: str, topics: list[str]) -> list[DeadLetter]:
    return [DeadLetter(record) for topic in topics async for record in read_topic(bootstrap, topic)]


async def replayed_positions(bootstrap: str, namespace: str = "") -> set[str]:
    """Positions of the dead letters replayed so far, from the ledger (read_committed: finished replays only)."""
    try:
        return {record.key.decode() async for record in read_topic(bootstrap, namespace + LEDGER_TOPIC) if record.key}
    except NotFound:
        return set()
