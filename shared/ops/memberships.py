"""Filling in the localities of memberships learned before they were kept (shared_0006_membership_localities).

A row of `party_memberships` learned before that migration has `locality` NULL, so a government does not see the
partnership that member belongs to. The MemberJoined that made the row carries the locality, and the partnership
topic keeps every MemberJoined (the event log is never compacted or expired), so reading that topic from its start
to the end offsets seen when the read began gives every locality. Only NULLs are filled, by the row's joining event
id: a second run, or a run beside services learning new members (which write the locality themselves), changes
nothing more. Recruitment also fills its own rows from its `parties` table (recruitment_0003); doing it here too is
harmless.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import UUID

import asyncpg
from aiokafka import TopicPartition

from shared.contracts.base import Stage
from shared.contracts.partnership import MemberJoined
from shared.contracts.registry import STAGE_TOPICS
from shared.messaging.codec import TYPE_PREFIX, UndecodableEvent, decode
from shared.ops.broker import admin_client, offset_ranges, partitions_of_topic, topic_reader
from shared.ops.database import connected
from shared.ops.reader import read_topic
from shared.persistence.database import checked_schema

SERVICE_SCHEMAS = ("recruitment", "training", "employment", "assessment")  # each keeps its own party_memberships
BATCH = 1000
_JOINED_TYPE = (TYPE_PREFIX + MemberJoined.type_name()).encode()
_FILL = (
    "UPDATE {table} m SET locality = f.locality FROM unnest($1::uuid[], $2::text[]) AS f (joined_event, locality)"
    " WHERE m.joined_event = f.joined_event AND m.locality IS NULL"
)


@dataclass
class Backfill:
    """Where the read is (records read of `total`, joinings found) and what each schema got."""

    total: int = 0
    read: int = 0
    joinings: int = 0
    filled: dict[str, int] = field(default_factory=dict)
    still_missing: dict[str, int] = field(default_factory=dict)


Progress = Callable[[Backfill], None]


async def _tables(conn: asyncpg.Connection, suffix: str) -> dict[str, str]:
    """The deployment's service schemas that have a `party_memberships` table, each with the table's name."""
    found = {}
    for service in SERVICE_SCHEMAS:
        schema = checked_schema(service + suffix)
        if await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", f"{schema}.party_memberships"):
            found[schema] = f"{schema}.party_memberships"
    return found


async def _records_in(bootstrap: str, topic: str) -> int:
    async with admin_client(bootstrap) as admin:
        numbers = await partitions_of_topic(admin, topic)
    async with topic_reader(bootstrap) as consumer:
        ranges = await offset_ranges(consumer, [TopicPartition(topic, n) for n in numbers])
    return sum(end - first for first, end in ranges.values())


async def _fill(conn: asyncpg.Connection, tables: dict[str, str], found: dict[UUID, str], done: Backfill) -> None:
    ids, localities = list(found), list(found.values())
    for schema, table in tables.items():
        status = await conn.execute(_FILL.format(table=table), ids, localities)
        done.filled[schema] += int(status.split()[-1])
    found.clear()


async def backfill_localities(
    bootstrap: str, dsn: str, *, namespace: str = "", suffix: str = "", progress: Progress = lambda _: None
) -> Backfill:
    """Read the partnership topic from its start and fill every NULL locality a MemberJoined on it gives."""
    topic = namespace + STAGE_TOPICS[Stage.PARTNERSHIP]
    done = Backfill()
    async with connected(dsn) as conn:
        tables = await _tables(conn, suffix)
        done.filled = dict.fromkeys(tables, 0)
        done.total = await _records_in(bootstrap, topic)
        found: dict[UUID, str] = {}
        async for record in read_topic(bootstrap, topic):
            done.read += 1
            if dict(record.headers).get("ce_type") == _JOINED_TYPE:
                with contextlib.suppress(UndecodableEvent):  # dead-lettered by every learner: nothing was learned
                    event = decode(record.headers, record.key, record.value)
                    if isinstance(event.data, MemberJoined):
                        found[event.id] = event.data.locality
                        done.joinings += 1
            if len(found) >= BATCH:
                await _fill(conn, tables, found, done)
            if done.read % BATCH == 0:
                progress(done)
        await _fill(conn, tables, found, done)
        for schema, table in tables.items():
            done.still_missing[schema] = await conn.fetchval(f"SELECT count(*) FROM {table} WHERE locality IS NULL")
    progress(done)
    return done
