"""What the command handlers share: finding what training has learned, and the answer a recorded fact gets."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from services.training.application.commands import Command
from services.training.application.unit_of_work import TrainingUnitOfWork
from services.training.domain.errors import Unknown
from services.training.domain.learner import ClassRef, Learner
from shared.application.context import Context
from shared.application.outcome import Outcome
from shared.contracts.base import EventPayload
from shared.contracts.envelope import Envelope


async def known_learner(uow: TrainingUnitOfWork, student_id: UUID) -> Learner:
    learner = await uow.learners.get(student_id)
    if learner is None:
        raise Unknown(f"training has not learned of student {student_id}: no StudentEnrolled has reached it")
    return learner


async def known_class(uow: TrainingUnitOfWork, class_id: UUID, *, lock: bool = False) -> ClassRef:
    classroom = await uow.classes.get(class_id, lock=lock)
    if classroom is None:
        raise Unknown(f"training has not learned of class {class_id}: no ClassOpened has reached it")
    return classroom


def about_learner(
    ctx: Context, command: Command, learner: Learner, event: EventPayload, day: date, **refs: UUID | None
) -> Envelope:
    """`refs`: a party, or the class of a new period (default: the learner's class)."""
    return ctx.wrap(
        event,
        occurred_on=day,
        partnership_id=learner.partnership_id,
        evidence=command.evidence,
        student_id=learner.student_id,
        **{"class_id": learner.class_id, **refs},
    )


def about_class(
    ctx: Context, command: Command, classroom: ClassRef, event: EventPayload, day: date, party_id: UUID | None
) -> Envelope:
    return ctx.wrap(
        event,
        occurred_on=day,
        partnership_id=classroom.partnership_id,
        evidence=command.evidence,
        class_id=classroom.class_id,
        party_id=party_id,
    )


def recorded(envelope: Envelope, **ids: Any) -> Outcome:
    """The answer every training command gives (views.FactRecorded): the event, its dates, whom it is about."""
    return Outcome.recorded(
        envelope,
        occurred_on=envelope.occurred_on.isoformat(),
        recorded_at=envelope.recorded_at.isoformat(),
        student_id=envelope.student_id,
        class_id=envelope.class_id,
        **ids,
    )
