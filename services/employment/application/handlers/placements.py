"""What happens to a recorded placement afterwards: retention checks at its check-points, and its end.

A check or an end of a placement that is itself held (its student's graduation has not reached employment) is
held in turn (issue 14), and applied after the placement when the graduation releases it (handlers/learning.py),
or rejected with it.
"""

from __future__ import annotations

from services.employment.application.commands import CheckRetention, EndEmployment, PlacementCommand
from services.employment.application.handlers import common
from services.employment.application.unit_of_work import EmploymentUnitOfWork
from services.employment.domain import rules
from services.employment.domain.student import Placement, Student, evolve
from shared.application.context import Context
from shared.application.outcome import Outcome


async def check_retention(command: CheckRetention, uow: EmploymentUnitOfWork, ctx: Context) -> Outcome:
    return await _apply_or_hold(common.dated(command, ctx), uow, ctx)


async def end_employment(command: EndEmployment, uow: EmploymentUnitOfWork, ctx: Context) -> Outcome:
    return await _apply_or_hold(common.dated(command, ctx), uow, ctx)


async def _apply_or_hold(command: PlacementCommand, uow: EmploymentUnitOfWork, ctx: Context) -> Outcome:
    placement = await uow.placements.get(command.placement_id)
    if placement is not None:
        return await _apply(command, placement, await common.known_student(uow, placement.student_id), uow, ctx)
    # Locking the held placement's student waits for a graduation being applied, which records the placement.
    student = await common.known_student(uow, await common.held_student(uow, "placement", command.placement_id))
    placement = await uow.placements.get(command.placement_id)
    if placement is not None:
        return await _apply(command, placement, student, uow, ctx)
    event_type = "RetentionChecked" if isinstance(command, CheckRetention) else "EmploymentEnded"
    return await common.hold(command, student, (event_type, command.placement_id), uow, ctx)


async def apply_placement_fact(
    command: PlacementCommand, student: Student, uow: EmploymentUnitOfWork, ctx: Context
) -> Outcome:
    """A held check or end, released after its placement; refused if the placement was rejected."""
    return await _apply(command, await common.recorded_placement(uow, command.placement_id), student, uow, ctx)


async def _apply(
    command: PlacementCommand, placement: Placement, student: Student, uow: EmploymentUnitOfWork, ctx: Context
) -> Outcome:
    match command:
        case CheckRetention():
            checkpoints = await uow.partnerships.checkpoints(student.partnership_id)
            answer = rules.RetentionAnswer(
                command.checkpoint_days, command.still_employed, command.same_employer, command.monthly_wage
            )
            checked = rules.check_retention(placement, checkpoints, answer, common.occurred(command, ctx))
            event = common.envelope(checked, student, command, ctx)
            await uow.records.add_retention_check(checked, event)
            return common.applied(event, event.id)
        case EndEmployment():
            ended = rules.end_employment(placement, command.last_day, command.reason)
            event = common.envelope(ended, student, command, ctx)
            await uow.placements.end(command.placement_id, command.last_day, command.reason, event)
            if student.current_placement_id == placement.placement_id:
                await uow.students.save(evolve(student, ended))
            return common.applied(event, command.placement_id)
