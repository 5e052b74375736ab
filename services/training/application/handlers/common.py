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


def about(
    ctx: Context, command: Command, subject: Learner | ClassRef, event: EventPayload, day: date, **refs: UUID | None
) -> Envelope:
    """`event` enveloped as a fact about a learner or a class; `refs`: a party, or the class of a new period."""
    return ctx.wrap(
        event,
        occurred_on=day,
        partnership_id=subject.partnership_id,
        evidence=command.evidence,
        student_id=subject.student_id if isinstance(subject, Learner) else None,
        **{"class_id": subject.class_id, **refs},
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
