"""Class-level commands: agree a plan, log hours, verify hours."""

from __future__ import annotations

from services.training import commands
from services.training.adapters import records_db
from services.training.domain import teaching
from services.training.domain.errors import Contradiction, Unknown
from services.training.handlers.common import Answer, answer, envelope_of, known_class, stamp
from shared.web.unit_of_work import UnitOfWork


async def agree_plan(command: commands.AgreePlan, uow: UnitOfWork) -> Answer:
    when = stamp(command, command.agreed_on)
    classroom = await known_class(uow.conn, command.class_id, lock=True)
    event = teaching.agree_plan(classroom, command.modules, command.agreed_on)
    envelope = envelope_of(
        event,
        command,
        when,
        partnership_id=classroom.partnership_id,
        class_id=classroom.class_id,
        party_id=command.agreed_by,
    )
    await records_db.add_plan(uow.conn, envelope, event)
    await uow.emit(envelope)
    return answer(envelope)


async def log_hours(command: commands.LogHours, uow: UnitOfWork) -> Answer:
    when = stamp(command, command.logged_on)
    classroom = await known_class(uow.conn, command.class_id, lock=True)
    planned = await records_db.current_plan_modules(uow.conn, classroom.class_id)
    event = teaching.log_hours(
        classroom,
        planned,
        log_id=command.log_id,
        module=command.module,
        hours=command.hours,
        taught_by=command.taught_by,
        logged_by=command.logged_by,
        logged_on=command.logged_on,
    )
    envelope = envelope_of(
        event,
        command,
        when,
        partnership_id=classroom.partnership_id,
        class_id=classroom.class_id,
        party_id=command.logged_by,
    )
    if not await records_db.add_hours_log(uow.conn, envelope, event):
        raise Contradiction(f"hours log {command.log_id} already exists")
    await uow.emit(envelope)
    return answer(envelope, log_id=command.log_id)


async def verify_hours(command: commands.VerifyHours, uow: UnitOfWork) -> Answer:
    when = stamp(command, command.verified_on)
    log = await records_db.hours_log(uow.conn, command.log_id)
    if log is None:
        raise Unknown(f"no hours log {command.log_id}")
    classroom = await known_class(uow.conn, log.class_id)
    event = teaching.verify_hours(log, command.hours_accepted, command.verified_by, command.verified_on)
    envelope = envelope_of(
        event,
        command,
        when,
        partnership_id=classroom.partnership_id,
        class_id=classroom.class_id,
        party_id=command.verified_by,
    )
    await records_db.add_verification(uow.conn, envelope, event, when.recorded_at)
    await uow.emit(envelope)
    return answer(envelope, log_id=command.log_id)
