"""Facts employment learned from other stages, and the view of them that corrections and retractions leave.

DOMAIN.md: corrections never edit history; they apply field by field, the last wins; a retraction removes the
fact. Both are kept as facts of their own, so a retraction that arrives before its target still applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from uuid import UUID

from pydantic import ValidationError

from shared.contracts.base import EventPayload
from shared.contracts.corrections import EventCorrected, EventRetracted


@dataclass(frozen=True)
class UpstreamFact:
    seq: int
    event_id: UUID
    partnership_id: UUID
    student_id: UUID | None
    class_id: UUID | None
    supersedes: UUID | None
    occurred_on: date
    recorded_at: datetime
    payload: EventPayload

    @property
    def order(self) -> tuple[date, datetime, str]:
        """DOMAIN.md: several facts of one kind order by occurred_on, then recorded_at, then id."""
        return (self.occurred_on, self.recorded_at, str(self.event_id))


def _corrected(payload: EventPayload, fields: dict[str, object]) -> EventPayload:
    try:
        return type(payload).model_validate({**payload.model_dump(), **fields})
    except ValidationError:
        return payload  # the emitting service validated it; a copy we cannot read leaves the fact as it was


def effective(facts: Sequence[UpstreamFact]) -> list[UpstreamFact]:
    """The facts in arrival order, retracted ones removed and corrections merged into their targets."""
    retracted = {f.supersedes for f in facts if isinstance(f.payload, EventRetracted)}
    kept = [
        f
        for f in sorted(facts, key=lambda f: f.seq)
        if not isinstance(f.payload, EventCorrected | EventRetracted) and f.event_id not in retracted
    ]
    payloads = {f.event_id: f.payload for f in kept}
    for fact in sorted(facts, key=lambda f: f.seq):
        if isinstance(fact.payload, EventCorrected) and fact.event_id not in retracted and fact.supersedes in payloads:
            target = fact.supersedes
            payloads[target] = _corrected(payloads[target], dict(fact.payload.fields))
    return [replace(f, payload=payloads[f.event_id]) for f in kept]
