"""After the storm: every answer the client got against what the services kept and what the topics hold.

- lost: an accepted fact (a 2xx answer) whose event is missing from its service's outbox or from its topic, or
  whose Idempotency-Key the service does not remember;
- applied though refused: a key answered 4xx that the service remembers (its transaction committed after all);
- duplicated: a key whose answers named two different events, or an event in the topics that no answer named
  but that says exactly what an answered one says (the same fact recorded by a second transaction);
- lag: records of the stage topics that a learner group has not committed: learners must resume by themselves.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from uuid import UUID

import asyncpg
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient

from chaos.reading import partitions_of, read_to_end
from chaos.recorder import Outcomes
from shared.contracts.registry import stage_topics
from shared.messaging.codec import UndecodableEvent, decode

# The fields that make two events the same fact; the id and the time it was recorded do not.
_FACT_FIELDS = ("type", "partnership_id", "student_id", "class_id", "party_id", "occurred_on", "supersedes", "data")


@dataclass(frozen=True)
class Kept:
    """What one stage service keeps: its outbox's event ids and the Idempotency-Keys it remembers."""

    outbox: set[UUID]
    unpublished: int
    refused_by_broker: int
    remembered: set[str]


@dataclass(frozen=True)
class TopicEvents:
    ids: Counter[UUID]  # event id -> copies in the stage topics
    facts: dict[UUID, str]  # event id -> fingerprint of what it says


@dataclass
class Audit:
    facts: int = 0  # Idempotency-Keys the client posted
    accepted: int = 0
    refused: int = 0
    unanswered: int = 0
    server_errors: int = 0
    lost: list[str] = field(default_factory=list)
    refused_but_applied: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    copies: int = 0  # records published twice (relay killed between publish and mark): absorbed by consumers
    unpublished: int = 0
    refused_by_broker: int = 0
    lag: dict[str, int] = field(default_factory=dict)


async def kept_by(dsn: str, schema: str) -> Kept:
    conn = await asyncpg.connect(dsn, server_settings={"search_path": schema})
    try:
        outbox = {row["event_id"] for row in await conn.fetch("SELECT event_id FROM outbox")}
        unpublished = await conn.fetchval(
            "SELECT count(*) FROM outbox WHERE published_at IS NULL AND dead_lettered_at IS NULL"
        )
        refused = await conn.fetchval("SELECT count(*) FROM outbox_dead_letters")
        # Commands remember `client:<client id>:<key>`, imported facts `import:<import id>`: the key comes last.
        remembered = {row["key"].rpartition(":")[2] for row in await conn.fetch("SELECT key FROM idempotency_keys")}
    finally:
        await conn.close()
    return Kept(outbox, int(unpublished), int(refused), remembered)


def _fingerprint(record_headers: list[tuple[str, bytes]], key: bytes | None, value: bytes | None) -> tuple[UUID, str]:
    envelope = decode(record_headers, key, value)
    said = json.loads(envelope.model_dump_json(include=set(_FACT_FIELDS)))
    return envelope.id, hashlib.sha256(json.dumps(said, sort_keys=True).encode()).hexdigest()


async def topic_events(bootstrap: str, namespace: str = "") -> TopicEvents:
    """Every decodable record of the stage topics (poison records are not events)."""
    ids: Counter[UUID] = Counter()
    facts: dict[UUID, str] = {}
    async for record in read_to_end(bootstrap, set(stage_topics(namespace)).__contains__):
        try:
            event_id, fact = _fingerprint(list(record.headers), record.key, record.value)
        except UndecodableEvent:
            continue
        ids[event_id] += 1
        facts[event_id] = fact
    return TopicEvents(ids, facts)


async def learner_lag(bootstrap: str, groups: list[str], namespace: str = "") -> dict[str, int]:
    """Records of the stage topics between each group's committed offsets and the ends; a partition the group
    never committed counts from its beginning."""
    partitions = await partitions_of(bootstrap, set(stage_topics(namespace)).__contains__)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await admin.start()
    await consumer.start()
    try:
        ends = await consumer.end_offsets(partitions)
        lag: dict[str, int] = {}
        for group in groups:
            committed = {tp: meta.offset for tp, meta in (await admin.list_consumer_group_offsets(group)).items()}
            read = {tp.topic for tp in committed}
            lag[group] = sum(max(0, end - committed.get(tp, 0)) for tp, end in ends.items() if tp.topic in read)
        return lag
    finally:
        await consumer.stop()
        await admin.close()


def audit(outcomes: Outcomes, service_of_port: dict[int, str], kept: dict[str, Kept], topics: TopicEvents) -> Audit:
    found = Audit()
    found.facts = len(outcomes.event_ids)
    found.server_errors = sum(1 for a in outcomes.final.values() if a.status is not None and a.status >= 500)
    found.unanswered = len(outcomes.event_ids) - len(outcomes.accepted()) - len(outcomes.refused())
    accepted, refused = outcomes.accepted(), outcomes.refused()
    found.accepted, found.refused = len(accepted), len(refused)
    answered_ids: set[UUID] = set()
    for key, answer in accepted.items():
        service = kept[service_of_port[answer.port]]
        answered_ids |= outcomes.event_ids[key]
        missing = [str(e) for e in outcomes.event_ids[key] if e not in service.outbox or e not in topics.ids]
        if missing or key not in service.remembered:
            found.lost.append(f"{service_of_port[answer.port]} {answer.path} key {key}: events {missing or 'kept'}")
    for key, answer in refused.items():
        if key in kept[service_of_port[answer.port]].remembered:
            found.refused_but_applied.append(f"{answer.path} key {key} answered {answer.status}")
    found.duplicated = [f"key {key} named two events" for key in outcomes.recorded_twice()]
    answered_facts = Counter(topics.facts[e] for e in answered_ids if e in topics.facts)
    found.duplicated += [
        f"event {event_id} repeats an answered fact"
        for event_id, fact in topics.facts.items()
        if event_id not in answered_ids and fact in answered_facts
    ]
    found.copies = sum(copies - 1 for copies in topics.ids.values())
    found.unpublished = sum(k.unpublished for k in kept.values())
    found.refused_by_broker = sum(k.refused_by_broker for k in kept.values())
    return found
