"""Inbound facts from the partnership and recruitment topics: the only way training learns its roster.

The rule for facts that arrive before their antecedent is in `domain/roster.py`; here it is carried out.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

import asyncpg
import structlog

from services.training.adapters import db
from services.training.domain import roster
from services.training.domain.errors import Contradiction, TrainingError
from services.training.domain.learner import Learner, Phase
from services.training.domain.roster import Enrolment, Held, WaitsFor
from services.training.handlers.retractions import undo_transition
from shared.contracts.base import EventPayload
from shared.contracts.corrections import EventCorrected
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import ClassClosed, ClassOpened
from shared.contracts.recruitment import StudentEnrolled

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


async def class_opened(conn: asyncpg.Connection, envelope: Envelope) -> None:
    opened = _data(envelope, ClassOpened)
    if not await db.add_class(conn, envelope, opened):
        known = await db.class_ref(conn, opened.class_id)
        if known is not None and known.partnership_id != envelope.partnership_id:
            raise Contradiction(f"class {opened.class_id} was opened under partnership {known.partnership_id}")
        return
    await release(conn, Held(WaitsFor.CLASS, opened.class_id))


async def class_closed(conn: asyncpg.Connection, envelope: Envelope) -> None:
    class_id = _data(envelope, ClassClosed).class_id
    if await db.class_ref(conn, class_id, lock=True) is None:
        await db.hold(conn, envelope, Held(WaitsFor.CLASS, class_id))
        return
    await db.close_class(conn, class_id, envelope.occurred_on)


async def student_enrolled(conn: asyncpg.Connection, envelope: Envelope) -> None:
    enrolled = _data(envelope, StudentEnrolled)
    student_id, class_id = _ref(envelope, "student_id"), _ref(envelope, "class_id")
    enrolment = Enrolment(
        envelope.id, student_id, class_id, envelope.partnership_id, enrolled.start_on, enrolled.planned_end_on
    )
    existing = await db.learner(conn, student_id)
    outcome = roster.enrol(existing, await db.class_ref(conn, class_id), enrolment)
    if isinstance(outcome, Held):
        await db.hold(conn, envelope, outcome)
        log.info("enrolment held", event_id=str(envelope.id), partnership_id=str(envelope.partnership_id))
        return
    if existing is not None:
        await db.record_transition(conn, envelope.id, envelope.type, existing)
    await db.save_learner(conn, outcome)
    await release(conn, Held(WaitsFor.STUDENT, student_id))


async def _cancel(conn: asyncpg.Connection, envelope: Envelope, learner: Learner) -> None:
    await db.record_transition(conn, envelope.id, envelope.type, learner)
    await db.save_learner(conn, roster.cancel(learner))


async def enrollment_cancelled(conn: asyncpg.Connection, envelope: Envelope) -> None:
    student_id = _ref(envelope, "student_id")
    learner = await db.learner(conn, student_id)
    if learner is None:
        await db.hold(conn, envelope, Held(WaitsFor.STUDENT, student_id))
        return
    await _cancel(conn, envelope, learner)


async def event_retracted(conn: asyncpg.Connection, envelope: Envelope) -> None:
    """A retracted enrolment counts nowhere, like a cancelled one; a retracted cancellation restores the learner."""
    target = _ref(envelope, "supersedes")
    if await db.drop_held(conn, target):
        return
    learner = await db.learner_enrolled_by(conn, target)
    if learner is not None:
        if learner.phase is not Phase.CANCELLED:
            await _cancel(conn, envelope, learner)
        return
    step = await db.transition(conn, target)
    if step is not None and step["event_type"] == "EnrollmentCancelled" and not step["retracted"]:
        await undo_transition(conn, target, step["student_id"])


def _day(fields: dict[str, Any], name: str) -> date | None:
    return date.fromisoformat(str(fields[name])) if name in fields else None


async def event_corrected(conn: asyncpg.Connection, envelope: Envelope) -> None:
    """Only corrections of an enrolment's dates matter here; a held enrolment's correction waits with it."""
    target = _ref(envelope, "supersedes")
    if await db.is_held(conn, target):
        await db.hold(conn, envelope, Held(WaitsFor.STUDENT, _ref(envelope, "student_id")))
        return
    learner = await db.learner_enrolled_by(conn, target)
    if learner is None:
        return
    fields = _data(envelope, EventCorrected).fields
    corrected = roster.correct_enrolment(learner, _day(fields, "start_on"), _day(fields, "planned_end_on"))
    await db.save_learner(conn, corrected)


ROSTER_HANDLERS: dict[str, Callable[[asyncpg.Connection, Envelope], Awaitable[None]]] = {
    "ClassOpened": class_opened,
    "ClassClosed": class_closed,
    "StudentEnrolled": student_enrolled,
    "EnrollmentCancelled": enrollment_cancelled,
    "EventRetracted": event_retracted,
    "EventCorrected": event_corrected,
}


async def apply(conn: asyncpg.Connection, envelope: Envelope) -> None:
    """Apply one inbound fact; other stages' events training does not need are ignored."""
    handler = ROSTER_HANDLERS.get(envelope.type)
    if handler is not None:
        await handler(conn, envelope)


async def release(conn: asyncpg.Connection, antecedent: Held) -> None:
    """Apply the facts that waited for `antecedent`; one refused stays held with its reason, the rest go on."""
    for fact in await db.release(conn, antecedent):
        try:
            async with conn.transaction():  # a savepoint: a refused fact undoes only its own writes
                await apply(conn, fact)
        except TrainingError as error:
            await db.refuse_held(conn, fact, antecedent, error.detail)
            log.warning("held fact refused", event_id=str(fact.id), reason=error.detail)
