"""Builders of upstream facts for the domain tests: each call gets its own ids and arrival order."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

from services.employment.domain.facts import UpstreamFact
from shared.contracts.base import EventPayload
from shared.contracts.corrections import EventCorrected, EventRetracted

_arrival = itertools.count(1)


def fact(
    payload: EventPayload,
    *,
    partnership_id: UUID,
    student_id: UUID | None = None,
    class_id: UUID | None = None,
    occurred_on: date = date(2025, 6, 30),
    recorded_at: datetime | None = None,
    supersedes: UUID | None = None,
) -> UpstreamFact:
    return UpstreamFact(
        seq=next(_arrival),
        event_id=uuid4(),
        partnership_id=partnership_id,
        student_id=student_id,
        class_id=class_id,
        supersedes=supersedes,
        occurred_on=occurred_on,
        recorded_at=recorded_at or datetime(2025, 7, 1, tzinfo=UTC),
        payload=payload,
    )


def retraction_of(target: UpstreamFact) -> UpstreamFact:
    return fact(
        EventRetracted(reason="recorded for the wrong student"),
        partnership_id=target.partnership_id,
        student_id=target.student_id,
        supersedes=target.event_id,
    )


def correction_of(target: UpstreamFact, **fields: object) -> UpstreamFact:
    return fact(
        EventCorrected(fields=fields, reason="misread"),
        partnership_id=target.partnership_id,
        student_id=target.student_id,
        supersedes=target.event_id,
    )
