"""Class-level commands: agree a plan, log hours, verify hours."""

from __future__ import annotations

from services.training.application import commands
from services.training.application.handlers.common import about, known_class, recorded
from services.training.application.unit_of_work import TrainingUnitOfWork
from services.training.domain import teaching
from services.training.domain.errors import Contradiction, Unknown
from shared.application.context import Context
from shared.application.outcome import Outcome


async def agree_plan(command: commands.AgreePlan, uow: TrainingUnitOfWork, ctx: Context) -> Outcome:
    day = ctx.business_date(command.agreed_on)
    classroom = await known_class(uow, command.class_id, lock=True)
    event = teaching.agree_plan(classroom, command.modules, day)
    envelope = about(ctx, command, classroom, event, day, party_id=command.agreed_by)
    await uow.teaching.add_plan(envelope, event)
    return recorded(envelope)


async def log_hours(command: commands.LogHours, uow: TrainingUnitOfWork, ctx: Context) -> Outcome:
    day = ctx.business_date(command.logged_on)
    classroom = await known_class(uow, command.class_id, lock=True)
    planned = await uow.teaching.current_plan_modules(classroom.class_id)
    event = teaching.log_hours(
        classroom,
        planned,
        log_id=command.log_id,
        module=command.module,
        hours=command.hours,
        taught_by=command.taught_by,
        logged_by=command.logged_by,
        logged_on=day,
    )
    envelope = about(ctx, command, classroom, event, day, party_id=command.logged_by)
    if not await uow.teaching.add_hours_log(envelope, event):
        raise Contradiction(f"hours log {command.log_id} already exists")
    return recorded(envelope, log_id=command.log_id)


async def verify_hours(command: commands.VerifyHours, uow: TrainingUnitOfWork, ctx: Context) -> Outcome:
    day = ctx.business_date(command.verified_on)
    log = await uow.teaching.hours_log(command.log_id)
    if log is None:
        raise Unknown(f"no hours log {command.log_id}")
    classroom = await known_class(uow, log.class_id)
    event = teaching.verify_hours(log, command.hours_accepted, command.verified_by, day)
    envelope = about(ctx, command, classroom, event, day, party_id=command.verified_by)
    await uow.teaching.add_verification(envelope, event)
    return recorded(envelope, log_id=command.log_id)
