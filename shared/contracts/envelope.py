"""The envelope every event travels in: CloudEvents 1.0 attributes plus the fields DOMAIN.md requires of all events.

`id` is the idempotency key; `partnership_id` is the Kafka key, so one partnership's events stay in order.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

from pydantic import AwareDatetime, BaseModel, ConfigDict, SerializeAsAny

from shared.contracts.base import EventPayload, Evidence


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: UUID
    type: str
    version: int
    source: str
    occurred_on: date
    recorded_at: AwareDatetime
    partnership_id: UUID
    student_id: UUID | None = None
    class_id: UUID | None = None
    party_id: UUID | None = None
    evidence: Evidence
    supersedes: UUID | None = None
    traceparent: str | None = None  # W3C trace context of the request or event that caused it
    data: SerializeAsAny[EventPayload]

    @classmethod
    def wrap(
        cls,
        payload: EventPayload,
        *,
        source: str,
        occurred_on: date,
        partnership_id: UUID,
        evidence: Evidence,
        recorded_at: datetime | None = None,
        event_id: UUID | None = None,
        **refs: Any,
    ) -> Envelope:
        """Envelope a payload; `refs` are student_id, class_id, party_id, supersedes."""
        return cls(
            id=event_id or uuid4(),
            type=payload.type_name(),
            version=payload.version,
            source=source,
            occurred_on=occurred_on,
            recorded_at=recorded_at or datetime.now(UTC),
            partnership_id=partnership_id,
            evidence=evidence,
            data=payload,
            **refs,
        )

    def data_json(self) -> dict[str, Any]:
        return self.data.model_dump(mode="json")
