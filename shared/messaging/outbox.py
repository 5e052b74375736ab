"""Transactional outbox: events are rows written in the same transaction as the state change they describe.

Row order must equal commit order for each Kafka key, or the relay could publish a later event of a partnership
before an earlier one that committed late (a sequence value is taken at insert, not at commit). Writers therefore
take a transaction-scoped advisory lock on the key before inserting: writers of one partnership are serialised,
writers of different partnerships are not.
"""

from __future__ import annotations

import json

import asyncpg

from shared.contracts.base import Stage
from shared.contracts.envelope import Envelope
from shared.contracts.registry import topic_for
from shared.messaging.codec import encode


def notify_channel(schema: str) -> str:
    return f"outbox_{schema}"


class Outbox:
    """Adds events to the outbox of one service; call `add` inside the caller's transaction."""

    def __init__(self, schema: str, emitter: Stage, topic_namespace: str = "") -> None:
        self._channel = notify_channel(schema)
        self._emitter = emitter
        self._namespace = topic_namespace

    async def add(self, conn: asyncpg.Connection, envelope: Envelope) -> None:
        if not conn.is_in_transaction():
            raise RuntimeError("outbox rows must be written inside the state change's transaction")
        message = encode(envelope)
        key = str(envelope.partnership_id)
        headers = {name: value.decode() for name, value in message.headers.items()}
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", key)
        await conn.execute(
            "INSERT INTO outbox (event_id, event_type, topic, key, headers, value)"
            " VALUES ($1, $2, $3, $4, $5::jsonb, $6)",
            envelope.id,
            envelope.type,
            topic_for(envelope.type, self._emitter, self._namespace),
            key,
            json.dumps(headers),
            message.value,
        )
        # Delivered at commit, so the relay wakes only for rows it can see.
        await conn.execute("SELECT pg_notify($1, '')", self._channel)
