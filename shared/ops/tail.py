"""Records of a topic decoded as the product's CloudEvents (shared/messaging/codec.py), and the operator's filters.

A record that does not decode is still shown, with the codec's reason, unless a filter asks about event content:
an operator tailing a topic must see the poison record that a consumer is about to dead-letter.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from shared.contracts.envelope import Envelope
from shared.messaging.codec import TYPE_PREFIX, UndecodableEvent, decode
from shared.ops.reader import Start, StoredRecord, read_topic


@dataclass(frozen=True)
class DecodedRecord:
    record: StoredRecord
    envelope: Envelope | None
    error: str | None = None

    @classmethod
    def of(cls, record: StoredRecord) -> DecodedRecord:
        try:
            return cls(record, decode(record.headers, record.key, record.value))
        except UndecodableEvent as error:
            return cls(record, None, str(error))


@dataclass(frozen=True)
class EventFilter:
    """Conditions on the decoded event. Types match with or without the `cycle.` prefix of `ce_type`; time bounds
    apply to `recorded_at` (the CloudEvents `time`), since at least and until before."""

    types: frozenset[str] = field(default_factory=frozenset)
    partnership_id: UUID | None = None
    student_id: UUID | None = None
    since: datetime | None = None
    until: datetime | None = None

    @property
    def narrows(self) -> bool:
        return bool(self.types) or any(
            value is not None for value in (self.partnership_id, self.student_id, self.since, self.until)
        )

    def admits(self, decoded: DecodedRecord) -> bool:
        event = decoded.envelope
        if event is None:
            return not self.narrows
        return (
            (not self.types or not self.types.isdisjoint({event.type, TYPE_PREFIX + event.type}))
            and self.partnership_id in (None, event.partnership_id)
            and self.student_id in (None, event.student_id)
            and (self.since is None or event.recorded_at >= self.since)
            and (self.until is None or event.recorded_at < self.until)
        )


async def tail(
    bootstrap: str,
    topic: str,
    start: Start | None = None,
    *,
    only: EventFilter | None = None,
    partition: int | None = None,
    follow: bool = False,
) -> AsyncGenerator[DecodedRecord, None]:
    conditions = only or EventFilter()
    async with contextlib.aclosing(read_topic(bootstrap, topic, start, partition=partition, follow=follow)) as records:
        async for record in records:
            decoded = DecodedRecord.of(record)
            if conditions.admits(decoded):
                yield decoded
