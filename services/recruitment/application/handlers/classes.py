"""Handlers for ordered classes."""

from __future__ import annotations

from uuid import uuid4

from services.recruitment.application.commands import partnerships as commands
from services.recruitment.application.handlers.common import fact_event, found
from services.recruitment.application.unit_of_work import RecruitmentUnitOfWork
from services.recruitment.domain import classes as rules
from shared.application.context import Context
from shared.application.outcome import Outcome


async def open_class(cmd: commands.OpenClass, uow: RecruitmentUnitOfWork, ctx: Context) -> Outcome:
    partnership = found(await uow.partnerships.get(cmd.partnership_id, lock=True), "partnership", cmd.partnership_id)
    programme = found(await uow.classes.programme(cmd.programme_id), "programme", cmd.programme_id)
    school = found(await uow.parties.get(cmd.school_id), "party", cmd.school_id)
    sponsor = found(await uow.parties.get(cmd.sponsor_id), "party", cmd.sponsor_id)
    lineage = frozenset([cmd.partnership_id, *await uow.partnerships.ancestors(cmd.partnership_id)])
    plan = rules.ClassPlan.model_validate(cmd.model_dump() | {"class_id": cmd.class_id or uuid4()})  # extras ignored
    members = await uow.partnerships.current_members(cmd.partnership_id)
    on = ctx.business_date(cmd.occurred_on)
    opened = rules.open_class(partnership, lineage, programme, school, sponsor, members, plan, on)
    event = fact_event(ctx, opened, cmd, cmd.partnership_id, class_id=plan.class_id)
    await uow.classes.add(event, opened)
    return Outcome.recorded(event, class_id=plan.class_id, partnership_id=cmd.partnership_id)


async def close_class(cmd: commands.CloseClass, uow: RecruitmentUnitOfWork, ctx: Context) -> Outcome:
    ordered_class = found(await uow.classes.get(cmd.class_id, lock=True), "class", cmd.class_id)
    closed = rules.close_class(ordered_class, ctx.business_date(cmd.occurred_on))
    event = fact_event(ctx, closed, cmd, ordered_class.partnership_id, class_id=cmd.class_id)
    await uow.classes.mark_closed(event, cmd.class_id)
    return Outcome.recorded(event, class_id=cmd.class_id)
