"""The roster learner: the pipeline's handler for an `Envelope` read from the partnership and recruitment topics,
the only way training learns its classes and learners.

It records no event of its own. The rule for facts that arrive before their antecedent is in `domain/roster.py`;
here it is carried out. A fact the rules can never apply raises a domain error, and the runtime dead-letters the
record with the reason (shared/web/runtime.py); other stages' events training does not need are ignored.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

import structlog

from services.training.application.handlers.retractions import undo_step
from services.training.application.unit_of_work import TrainingUnitOfWork
from services.training.domain import roster
from services.training.domain.errors import Contradiction
from services.training.domain.learner import Learner, Phase
from services.training.domain.roster import Enrolment, Held, WaitsFor
from shared.application.context import Context
from shared.application.outcome import Outcome
from shared.contracts.base import EventPayload
from shared.contracts.corrections import EventCorrected
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import ClassClosed, ClassOpened
from shared.contracts.recruitment import StudentEnrolled
from shared.errors import DomainError

log = structlog.get_logger(__name__)
P = TypeVar("P", bound=EventPayload)


def _data(envelope: Envelope, kind: type[P]) -> P:
    if not isinstance(envelope.data, kind):
        raise Contradiction(f"{envelope.type} {envelope.id} does not carry a {kind.__name__}")
    return envelope.data


def _ref(envelope: Envelope, name: str) -> UUID:
    value: UUID | None = getattr(envelope, name)
    if value is None:
        raise Contradiction(f"{envelope.type} {envelope.id} has no {name} in its envelope")
    return value


async def class_opened(uow: TrainingUnitOfWork, envelope: Envelope) -> None:
    opened = _data(envelope, ClassOpened)
    if not await uow.classes.add(envelope, opened):
        known = await uow.classes.get(opened.class_id)
        if known is not None and known.partnership_id != envelope.partnership_id:
            raise Contradiction(f"class {opened.class_id} was opened under partnership {known.partnership_id}")
        return
    await release(uow, Held(WaitsFor.CLASS, opened.class_id))


async def class_closed(uow: TrainingUnitOfWork, envelope: Envelope) -> None:
    class_id = _data(envelope, ClassClosed).class_id
    if await uow.classes.get(class_id, lock=True) is None:
        await uow.held.hold(envelope, Held(WaitsFor.CLASS, class_id))
        return
    await uow.classes.close(class_id, envelope.occurred_on)


async def student_enrolled(uow: TrainingUnitOfWork, envelope: Envelope) -> None:
    enrolled = _data(envelope, StudentEnrolled)
    student_id, class_id = _ref(envelope, "student_id"), _ref(envelope, "class_id")
    enrolment = Enrolment(
        envelope.id, student_id, class_id, envelope.partnership_id, enrolled.start_on, enrolled.planned_end_on
    )
    existing = await uow.learners.get(student_id)
    outcome = roster.enrol(existing, await uow.classes.get(class_id), enrolment)
    if isinstance(outcome, Held):
        await uow.held.hold(envelope, outcome)
        log.info("enrolment held", event_id=str(envelope.id), partnership_id=str(envelope.partnership_id))
        return
    if existing is not None:
        await uow.learners.record_step(envelope.id, envelope.type, existing)
    await uow.learners.save(outcome)
    await release(uow, Held(WaitsFor.STUDENT, student_id))


async def _cancel(uow: TrainingUnitOfWork, envelope: Envelope, learner: Learner) -> None:
    await uow.learners.record_step(envelope.id, envelope.type, learner)
    await uow.learners.save(roster.cancel(learner))


async def enrollment_cancelled(uow: TrainingUnitOfWork, envelope: Envelope) -> None:
    student_id = _ref(envelope, "student_id")
    learner = await uow.learners.get(student_id)
    if learner is None:
        await uow.held.hold(envelope, Held(WaitsFor.STUDENT, student_id))
        return
    await _cancel(uow, envelope, learner)


async def event_retracted(uow: TrainingUnitOfWork, envelope: Envelope) -> None:
    """A retracted enrolment counts nowhere, like a cancelled one; a retracted cancellation restores the learner."""
    target = _ref(envelope, "supersedes")
    if await uow.held.drop(target):
        return
    learner = await uow.learners.enrolled_by(target)
    if learner is not None:
        if learner.phase is not Phase.CANCELLED:
            await _cancel(uow, envelope, learner)
        return
    step = await uow.learners.step(target)
    if step is not None and step.event_type == "EnrollmentCancelled" and not step.retracted:
        await undo_step(uow, target, step.student_id)


def _day(fields: dict[str, Any], name: str) -> date | None:
    return date.fromisoformat(str(fields[name])) if name in fields else None


async def event_corrected(uow: TrainingUnitOfWork, envelope: Envelope) -> None:
    """Only corrections of an enrolment's dates matter here; a held enrolment's correction waits with it."""
    target = _ref(envelope, "supersedes")
    if await uow.held.is_held(target):
        await uow.held.hold(envelope, Held(WaitsFor.STUDENT, _ref(envelope, "student_id")))
        return
    learner = await uow.learners.enrolled_by(target)
    if learner is None:
        return
    fields = _data(envelope, EventCorrected).fields
    corrected = roster.correct_enrolment(learner, _day(fields, "start_on"), _day(fields, "planned_end_on"))
    await uow.learners.save(corrected)


ROSTER: dict[str, Callable[[TrainingUnitOfWork, Envelope], Awaitable[None]]] = {
    "ClassOpened": class_opened,
    "ClassClosed": class_closed,
    "StudentEnrolled": student_enrolled,
    "EnrollmentCancelled": enrollment_cancelled,
    "EventRetracted": event_retracted,
    "EventCorrected": event_corrected,
}


async def _apply(uow: TrainingUnitOfWork, envelope: Envelope) -> bool:
    apply = ROSTER.get(envelope.type)
    if apply is None:
        return False
    await apply(uow, envelope)
    return True


async def release(uow: TrainingUnitOfWork, antecedent: Held) -> None:
    """Apply the facts that waited for `antecedent`; one refused stays held with its reason, the rest go on."""
    for fact in await uow.held.release(antecedent):
        try:
            async with uow.savepoint():  # a refused fact undoes only its own writes
                await _apply(uow, fact)
        except DomainError as error:
            await uow.held.refuse(fact, antecedent, error.detail)
            log.warning("held fact refused", event_id=str(fact.id), reason=error.detail)


async def learn(envelope: Envelope, uow: TrainingUnitOfWork, _ctx: Context) -> Outcome:
    if await _apply(uow, envelope):
        log.info(
            "roster fact applied",
            type=envelope.type,
            event_id=str(envelope.id),
            partnership_id=str(envelope.partnership_id),
        )
    return Outcome.nothing()
