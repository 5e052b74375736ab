"""What employment learns from other stages' events, and what that does to the facts it holds.

The pipeline's handler for `Envelope`: the runtime runs it in the consumer's transaction, so the processed-event
row, what was learned and the events of released facts commit together.

The held-facts rule (issue 4: a fact that arrives before the fact it follows is held, never lost): an offer,
an answer, a placement or further study for a student whose Graduated event has not reached employment yet is
stored as held and answered as held; so is a retention check or an end of a held placement (issue 14). When the
graduation arrives, the held facts are applied in the order they were received (a placement before its check),
each in a savepoint, through the same rules as a live command; one that breaks a rule then is rejected with its
reason, and a check or end of a rejected placement with it. When a withdrawal or a cancelled enrolment arrives
instead, every held fact is rejected. Either way each held fact stays visible under /held-facts with its outcome.
An applied fact keeps the recorded_at it was received with (issue 14: history stays true), so a past as-of date
sees it.
"""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

import structlog

from services.employment.application.commands import CheckRetention, EndEmployment, HoldableCommand
from services.employment.application.handlers.graduates import apply_graduate_fact
from services.employment.application.handlers.placements import apply_placement_fact
from services.employment.application.unit_of_work import EmploymentUnitOfWork
from services.employment.domain.errors import ImpossibleFact
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
from shared.application.context import Context
from shared.application.outcome import Outcome
from shared.contracts.envelope import Envelope
from shared.errors import DomainError

FOLLOW_UPS = frozenset({"EventCorrected", "EventRetracted"})
log = structlog.get_logger(__name__)


async def learn(envelope: Envelope, uow: EmploymentUnitOfWork, ctx: Context) -> Outcome:
    if envelope.type in FOLLOW_UPS:
        # A follow-up of a partnership fact may overtake it: they travel on different topics.
        if envelope.student_id is not None and not await uow.facts.known(envelope.supersedes or envelope.id):
            return Outcome.nothing()
    elif envelope.type not in STUDENT_EVENTS | PARTNERSHIP_EVENTS:
        return Outcome.nothing()
    if envelope.type in STUDENT_EVENTS and envelope.student_id is None:
        raise ImpossibleFact(f"{envelope.type} {envelope.id} names no student")
    await uow.facts.add(envelope)
    if envelope.student_id is not None:
        return await _refresh_student(envelope.student_id, uow, ctx)
    facts = effective(await uow.facts.of_partnership(envelope.partnership_id))
    await uow.partnerships.save(fold_partnership(envelope.partnership_id, facts))
    return Outcome.nothing()


async def _refresh_student(student_id: UUID, uow: EmploymentUnitOfWork, ctx: Context) -> Outcome:
    before = await uow.students.get(student_id, lock=True)
    record = fold_training(effective(await uow.facts.of_student(student_id)))
    if record is None:
        if before is None:
            return Outcome.nothing()
        record = TrainingRecord(before.partnership_id, before.class_id, TrainingStatus.CANCELLED)
    after = before.learned(record) if before else new_student(student_id, record)
    await uow.students.save(after)
    match reaction(before.training if before else None, after.training):
        case Reaction.APPLY_HELD:
            return await _release_held(after, uow, ctx)
        case Reaction.REJECT_HELD:
            await _reject_held(after, rejection_reason(record), uow, ctx)
    return Outcome.nothing()


async def _release_held(student: Student, uow: EmploymentUnitOfWork, ctx: Context) -> Outcome:
    released = Outcome.nothing()
    for held in await uow.held.waiting(student.student_id):
        current = await uow.students.get(student.student_id) or student
        try:
            async with uow.savepoint():  # a refused fact leaves nothing behind
                outcome = await _apply_held(held.command, current, uow, replace(ctx, recorded_at=held.received_at))
        except DomainError as refusal:
            await uow.held.rejected(held.held_id, refusal.detail, ctx.recorded_at)
            log.info("held fact rejected", held_id=str(held.held_id), partnership_id=str(student.partnership_id))
            continue
        [event] = outcome.events
        await uow.held.applied(held.held_id, event.id, ctx.recorded_at)
        log.info("held fact applied", held_id=str(held.held_id), event_id=str(event.id))
        released = released.merged(outcome)
    return released


async def _apply_held(command: HoldableCommand, student: Student, uow: EmploymentUnitOfWork, ctx: Context) -> Outcome:
    if isinstance(command, CheckRetention | EndEmployment):
        return await apply_placement_fact(command, student, uow, ctx)
    return await apply_graduate_fact(command, student, uow, ctx)


async def _reject_held(student: Student, reason: str, uow: EmploymentUnitOfWork, ctx: Context) -> None:
    for held in await uow.held.waiting(student.student_id):
        await uow.held.rejected(held.held_id, reason, ctx.recorded_at)
        log.info("held fact rejected", held_id=str(held.held_id), partnership_id=str(student.partnership_id))
