"""What every command handler does the same way: stamp, check the business date, envelope, answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg

from services.training.adapters import db
from services.training.commands import Command
from services.training.domain.errors import Unknown
from services.training.domain.learner import ClassRef, Learner
from shared.contracts.base import EventPayload
from shared.contracts.envelope import Envelope
from shared.web.clock import not_in_future, now

SOURCE = "/services/training"
Answer = tuple[int, dict[str, Any]]


@dataclass(frozen=True)
class When:
    occurred_on: date
    recorded_at: datetime


def stamp(command: Command, occurred_on: date) -> When:
    """The command's recorded_at (imported facts keep theirs); occurred_on may be back-dated, never future."""
    recorded_at = command.recorded_at or now()
    return When(not_in_future(occurred_on, recorded_at), recorded_at)


def envelope_of(
    payload: EventPayload, command: Command, when: When, *, partnership_id: UUID, **refs: UUID | None
) -> Envelope:
    return Envelope.wrap(
        payload,
        source=SOURCE,
        occurred_on=when.occurred_on,
        recorded_at=when.recorded_at,
        partnership_id=partnership_id,
        evidence=command.evidence,
        **{name: value for name, value in refs.items() if value is not None},
    )


def answer(envelope: Envelope, **ids: Any) -> Answer:
    body: dict[str, Any] = {
        "event_id": str(envelope.id),
        "type": envelope.type,
        "occurred_on": envelope.occurred_on.isoformat(),
        "recorded_at": envelope.recorded_at.isoformat(),
        "student_id": str(envelope.student_id) if envelope.student_id else None,
        "class_id": str(envelope.class_id) if envelope.class_id else None,
    }
    body.update({name: value if isinstance(value, str | None) else str(value) for name, value in ids.items()})
    return 201, body


async def known_learner(conn: asyncpg.Connection, student_id: UUID) -> Learner:
    learner = await db.learner(conn, student_id)
    if learner is None:
        raise Unknown(f"training has not learned of student {student_id}: no StudentEnrolled has reached it")
    return learner


async def known_class(conn: asyncpg.Connection, class_id: UUID, *, lock: bool = False) -> ClassRef:
    classroom = await db.class_ref(conn, class_id, lock=lock)
    if classroom is None:
        raise Unknown(f"training has not learned of class {class_id}: no ClassOpened has reached it")
    return classroom
