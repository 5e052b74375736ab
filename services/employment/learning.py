"""What employment learns from other stages' events, and what that does to the facts it holds.

The held-facts rule (issue 4: a fact that arrives before the fact it follows is held, never lost): an offer,
an answer, a placement or further study for a student whose Graduated event has not reached employment yet is
stored as held and answered 202. When the graduation arrives, the held facts are applied in the order they
were received, through the same rules as a live command; one that breaks a rule then is rejected with its
reason. When a withdrawal or a cancelled enrolment arrives instead, every held fact is rejected. Either way
each held fact stays visible under /held-facts with its outcome. An applied fact's event is recorded when it
is applied (its recorded_at), since that is when it became part of the record.
"""

from __future__ import annotations

from uuid import UUID

import structlog

from services.employment.adapters.db import Facts, HeldFacts, Partnerships, Students
from services.employment.domain.facts import effective
from services.employment.domain.partnership import PARTNERSHIP_EVENTS, fold_partnership
from services.employment.domain.student import Student, new_student
from services.employment.domain.training import (
    STUDENT_EVENTS,
    Reaction,
    TrainingRecord,
    TrainingStatus,
    fold_training,
    reaction,
    rejection_reason,
)
from services.employment.handlers import apply_graduate_fact
from shared.contracts.envelope import Envelope
from shared.errors import DomainError
from shared.messaging.consumer import RejectedEvent
from shared.web.clock import now
from shared.web.unit_of_work import UnitOfWork

FOLLOW_UPS = frozenset({"EventCorrected", "EventRetracted"})
log = structlog.get_logger(__name__)


async def learn(uow: UnitOfWork, envelope: Envelope) -> None:
    facts = Facts(uow.conn)
    if envelope.type in FOLLOW_UPS:
        # A follow-up of a partnership fact may overtake it: they travel on different topics.
        if envelope.student_id is not None and not await facts.known(envelope.supersedes or envelope.id):
            return
    elif envelope.type not in STUDENT_EVENTS | PARTNERSHIP_EVENTS:
        return
    if envelope.type in STUDENT_EVENTS and envelope.student_id is None:
        raise RejectedEvent(f"{envelope.type} {envelope.id} names no student")
    await facts.add(envelope)
    if envelope.student_id is not None:
        await refresh_student(uow, envelope.student_id)
    else:
        knowledge = fold_partnership(
            envelope.partnership_id, effective(await facts.of_partnership(envelope.partnership_id))
        )
        await Partnerships(uow.conn).save(knowledge)


async def refresh_student(uow: UnitOfWork, student_id: UUID) -> None:
    students = Students(uow.conn)
    before = await students.get(student_id, lock=True)
    record = fold_training(effective(await Facts(uow.conn).of_student(student_id)))
    if record is None:
        if before is None:
            return
        record = TrainingRecord(before.partnership_id, before.class_id, TrainingStatus.CANCELLED)
    after = before.learned(record) if before else new_student(student_id, record)
    await students.save(after)
    match reaction(before.training if before else None, after.training):
        case Reaction.APPLY_HELD:
            await release_held(uow, after)
        case Reaction.REJECT_HELD:
            await reject_held(uow, after, rejection_reason(record))


async def release_held(uow: UnitOfWork, student: Student) -> None:
    held, at = HeldFacts(uow.conn), now()
    for held_id, command in await held.waiting(student.student_id):
        current = await Students(uow.conn).get(student.student_id) or student
        try:
            async with uow.conn.transaction():  # a savepoint: a refused fact leaves nothing behind
                outcome = await apply_graduate_fact(uow, current, command.model_copy(update={"recorded_at": at}))
        except DomainError as refusal:
            await held.settle(held_id, "rejected", at, reason=refusal.detail, event_id=None)
            log.info("held fact rejected", held_id=str(held_id), partnership_id=str(student.partnership_id))
            continue
        await held.settle(held_id, "applied", at, reason=None, event_id=outcome.event_id)
        log.info("held fact applied", held_id=str(held_id), event_id=str(outcome.event_id))


async def reject_held(uow: UnitOfWork, student: Student, reason: str) -> None:
    held, at = HeldFacts(uow.conn), now()
    for held_id, _ in await held.waiting(student.student_id):
        await held.settle(held_id, "rejected", at, reason=reason, event_id=None)
        log.info("held fact rejected", held_id=str(held_id), partnership_id=str(student.partnership_id))
