"""What happens to a recorded placement afterwards: retention checks at its check-points, and its end."""

from __future__ import annotations

from services.employment.application.commands import CheckRetention, EndEmployment
from services.employment.application.handlers.common import (
    applied,
    dated,
    envelope,
    known_student,
    occurred,
    recorded_placement,
)
from services.employment.application.unit_of_work import EmploymentUnitOfWork
from services.employment.domain import rules
from services.employment.domain.student import evolve
from shared.application.context import Context
from shared.application.outcome import Outcome


async def check_retention(command: CheckRetention, uow: EmploymentUnitOfWork, ctx: Context) -> Outcome:
    command = dated(command, ctx)
    placement = await recorded_placement(uow, command.placement_id)
    student = await known_student(uow, placement.student_id)
    checkpoints = await uow.partnerships.checkpoints(student.partnership_id)
    answer = rules.RetentionAnswer(
        command.checkpoint_days, command.still_employed, command.same_employer, command.monthly_wage
    )
    checked = rules.check_retention(placement, checkpoints, answer, occurred(command, ctx))
    event = envelope(checked, student, command, ctx)
    await uow.records.add_retention_check(checked, event)
    return applied(event, event.id)


async def end_employment(command: EndEmployment, uow: EmploymentUnitOfWork, ctx: Context) -> Outcome:
    command = dated(command, ctx)
    placement = await recorded_placement(uow, command.placement_id)
    student = await known_student(uow, placement.student_id)
    ended = rules.end_employment(placement, command.last_day, command.reason)
    event = envelope(ended, student, command, ctx)
    await uow.placements.end(command.placement_id, command.last_day, command.reason, event)
    if student.current_placement_id == placement.placement_id:
        await uow.students.save(evolve(student, ended))
    return applied(event, command.placement_id)
