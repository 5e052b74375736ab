"""What every employment handler does the same way: date the command, find the student, hold a fact that waits
for another, envelope the event."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar
from uuid import UUID, uuid4

import structlog

from services.employment.application.commands import EmploymentCommand, HoldableCommand
from services.employment.application.unit_of_work import EmploymentUnitOfWork, HeldFact, HeldStatus
from services.employment.domain.errors import IllegalMove, Unknown
from services.employment.domain.student import Placement, Student
from shared.application.access import HeldIntent
from shared.application.context import Context
from shared.application.outcome import Outcome
from shared.contracts.base import EventPayload
from shared.contracts.envelope import Envelope

C = TypeVar("C", bound=EmploymentCommand)
log = structlog.get_logger(__name__)


def occurred(command: EmploymentCommand, ctx: Context) -> date:
    """As sent; else today, or the day the fact names (a start, a last day) when that is earlier. Never future."""
    implied = command.implied_on()
    default = min(ctx.today, implied) if implied is not None else ctx.today
    return ctx.business_date(command.occurred_on or default)


def dated(command: C, ctx: Context) -> C:
    """The command with its business date settled, so a held one replays with the date it was sent with."""
    return command.model_copy(update={"occurred_on": occurred(command, ctx)})


async def known_student(uow: EmploymentUnitOfWork, student_id: UUID) -> Student:
    student = await uow.students.get(student_id, lock=True)
    if student is None:
        raise Unknown(f"employment has not learned of student {student_id} from enrolment or training events")
    return student


async def held_student(uow: EmploymentUnitOfWork, subject: str, subject_id: UUID) -> UUID:
    """The student of an offer or placement that is not recorded because it is held; refused otherwise."""
    held = await uow.held.about(subject_id)
    if held is None:
        raise Unknown(f"no {subject} {subject_id}")
    if held.status is HeldStatus.REJECTED:
        raise IllegalMove(f"{subject} {subject_id} was rejected: {held.reason}")
    if held.status is HeldStatus.HELD:
        return held.student_id
    raise Unknown(f"{subject} {subject_id} was retracted")


async def recorded_placement(uow: EmploymentUnitOfWork, placement_id: UUID) -> Placement:
    placement = await uow.placements.get(placement_id)
    if placement is None:
        await held_student(uow, "placement", placement_id)
        raise IllegalMove(f"placement {placement_id} is held until the student's graduation reaches employment")
    return placement


async def hold(
    command: HoldableCommand, student: Student, about: tuple[str, UUID], uow: EmploymentUnitOfWork, ctx: Context
) -> Outcome:
    """Store `command` until what it follows is applied; `about`: the event it will be, and its subject's id."""
    event_type, subject_id = about
    held = HeldFact(uuid4(), student.student_id, subject_id, command, ctx.recorded_at)
    await uow.held.hold(held)
    log.info("fact held", held_id=str(held.held_id), kind=command.kind, partnership_id=str(student.partnership_id))
    answer = {"status": "held", "type": event_type, "subject_id": str(subject_id), "held_id": str(held.held_id)}
    intent = HeldIntent(event_type, student.partnership_id, occurred(command, ctx))  # authorized now, not at release
    return Outcome(answer=answer, held=True, held_as=intent)


def envelope(payload: EventPayload, student: Student, command: EmploymentCommand, ctx: Context) -> Envelope:
    return ctx.wrap(
        payload,
        occurred_on=occurred(command, ctx),
        partnership_id=student.partnership_id,
        evidence=command.evidence,
        student_id=student.student_id,
        class_id=student.class_id,
    )


def applied(event: Envelope, subject_id: UUID, **extra: Any) -> Outcome:
    """The answer of a recorded fact: `subject_id` is the offer, placement, study or check it is about."""
    return Outcome.recorded(event, status="applied", subject_id=subject_id, **extra)
