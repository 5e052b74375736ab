"""Transactional outbox: events are rows written in the same transaction as the state change they describe.

Row order must equal commit order for each Kafka key, or the relay could publish a later event of a partnership
before an earlier one that committed late (a sequence value is taken at insert, not at commit). Writers therefore
take a transaction-scoped advisory lock on the key before inserting: writers of one partnership are serialised,
writers of different partnerships are not.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import asyncpg
import orjson

from shared.contracts.base import Stage
from shared.contracts.envelope import Envelope
from shared.contracts.registry import topic_for
from shared.messaging.codec import encoded_headers, encoded_value


def notify_channel(schema: str) -> str:
    return f"outbox_{schema}"


class Outbox:
    """Adds events to the outbox of one service; call `add` inside the caller's transaction."""

    def __init__(self, schema: str, emitter: Stage, topic_namespace: str = "") -> None:
        self._channel = notify_channel(schema)
        self._emitter = emitter
        self._namespace = topic_namespace

    async def add(self, conn: asyncpg.Connection, envelope: Envelope) -> None:
        await self.add_all(conn, [envelope])

    async def add_all(self, conn: asyncpg.Connection, envelopes: Sequence[Envelope]) -> None:
        """Rows in the order given, each key's lock taken (in key order) before any row is inserted."""
        if not envelopes:
            return
        if not conn.is_in_transaction():
            raise RuntimeError("outbox rows must be written inside the state change's transaction")
        rows = [self._row(envelope) for envelope in envelopes]
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext(key)) FROM unnest($1::text[]) AS key",
            sorted({row[3] for row in rows}),
        )
        await conn.execute(
            "INSERT INTO outbox (event_id, event_type, topic, key, headers, value)"
            " SELECT event_id, event_type, topic, key, headers::jsonb, value"
            " FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bytea[])"
            " WITH ORDINALITY AS row (event_id, event_type, topic, key, headers, value, n) ORDER BY n",
            *zip(*rows, strict=True),
        )
        # Delivered at commit, so the relay wakes only for rows it can see.
        await conn.execute("SELECT pg_notify($1, '')", self._channel)

    def _row(self, envelope: Envelope) -> tuple[UUID, str, str, str, str, bytes]:
        headers = orjson.dumps(encoded_headers(envelope)).decode()
        topic = topic_for(envelope.type, self._emitter, self._namespace)
        return envelope.id, envelope.type, topic, str(envelope.partnership_id), headers, encoded_value(envelope)
