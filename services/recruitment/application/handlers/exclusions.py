"""Handlers for exclusions: a student leaves, and comes back to, every outcome figure."""

from __future__ import annotations

from services.recruitment.application.commands import students as commands
from services.recruitment.application.handlers.common import fact_event
from services.recruitment.application.handlers.students import locked_student
from services.recruitment.application.unit_of_work import RecruitmentUnitOfWork
from services.recruitment.domain import exclusions as rules
from shared.application.context import Context
from shared.application.outcome import Outcome


async def apply_exclusion(cmd: commands.ApplyExclusion, uow: RecruitmentUnitOfWork, ctx: Context) -> Outcome:
    student_id = await locked_student(uow, cmd)
    enrolment = await uow.students.live_enrolment(student_id)
    standing = await uow.exclusions.standing(student_id)
    applied, partnership_id = rules.apply_exclusion(student_id, enrolment, standing, cmd.reason)
    class_id = enrolment.class_id if enrolment else None
    event = fact_event(ctx, applied, cmd, partnership_id, student_id=student_id, class_id=class_id)
    await uow.exclusions.add(event, cmd.reason)
    return Outcome.recorded(event, exclusion_id=event.id, student_id=student_id)


async def revoke_exclusion(cmd: commands.RevokeExclusion, uow: RecruitmentUnitOfWork, ctx: Context) -> Outcome:
    student_id = await locked_student(uow, cmd)
    standing = rules.standing_exclusion(student_id, await uow.exclusions.standing(student_id))
    revoked = rules.revoke_exclusion(standing, cmd.reason, ctx.business_date(cmd.occurred_on))
    event = fact_event(ctx, revoked, cmd, standing.partnership_id, student_id=student_id)
    await uow.exclusions.mark_revoked(event, standing.event_id)
    return Outcome.recorded(event, exclusion_id=standing.event_id, student_id=student_id)
