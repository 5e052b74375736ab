"""Handlers for ordered classes."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from services.recruitment.adapters.db import classes as rows
from services.recruitment.adapters.db import parties
from services.recruitment.adapters.db import partnerships as partnership_rows
from services.recruitment.commands import CloseClass, OpenClass
from services.recruitment.domain import classes as rules
from services.recruitment.handlers.context import Context, found, recorded
from shared.web.unit_of_work import UnitOfWork

Answer = tuple[int, dict[str, Any]]


async def open_class(cmd: OpenClass, uow: UnitOfWork, ctx: Context) -> Answer:
    conn = uow.conn
    partnership = found(
        await partnership_rows.get(conn, cmd.partnership_id, lock=True), "partnership", cmd.partnership_id
    )
    programme = found(await rows.programme(conn, cmd.programme_id), "programme", cmd.programme_id)
    school = found(await parties.get(conn, cmd.school_id), "party", cmd.school_id)
    sponsor = found(await parties.get(conn, cmd.sponsor_id), "party", cmd.sponsor_id)
    lineage = frozenset([cmd.partnership_id, *await partnership_rows.ancestors(conn, cmd.partnership_id)])
    plan = rules.ClassPlan(
        cmd.class_id or uuid4(),
        cmd.name,
        cmd.major,
        cmd.seats,
        cmd.cohort_year,
        cmd.planned_start,
        cmd.planned_end,
        cmd.hiring_commitment,
    )
    members = await partnership_rows.current_members(conn, cmd.partnership_id)
    opened = rules.open_class(partnership, lineage, programme, school, sponsor, members, plan, ctx.business_date(cmd))
    event = ctx.wrap(opened, cmd, cmd.partnership_id, class_id=plan.class_id)
    await rows.add(conn, event, opened)
    await uow.emit(event)
    return 201, recorded(event, class_id=plan.class_id, partnership_id=cmd.partnership_id)


async def close_class(cmd: CloseClass, uow: UnitOfWork, ctx: Context) -> Answer:
    ordered_class = found(await rows.get(uow.conn, cmd.class_id, lock=True), "class", cmd.class_id)
    closed = rules.close_class(ordered_class, ctx.business_date(cmd))
    event = ctx.wrap(closed, cmd, ordered_class.partnership_id, class_id=cmd.class_id)
    await rows.mark_closed(uow.conn, event, cmd.class_id)
    await uow.emit(event)
    return 201, recorded(event, class_id=cmd.class_id)
