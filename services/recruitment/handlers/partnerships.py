"""Handlers for parties, partnerships, members, programmes, targets and funding: load, decide, save, emit."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import asyncpg

from services.recruitment.adapters.db import classes as class_rows
from services.recruitment.adapters.db import ledger, parties
from services.recruitment.adapters.db import partnerships as rows
from services.recruitment.commands import (
    AdmitMember,
    AmendPartnership,
    EndPartnership,
    RecordFunding,
    RegisterParty,
    RegisterProgramme,
    RemoveMember,
    SetTarget,
    SignPartnership,
)
from services.recruitment.domain import parties as party_rules
from services.recruitment.domain import partnerships as rules
from services.recruitment.domain.partnerships import Partnership
from services.recruitment.handlers.context import Context, found, recorded
from shared.contracts.partnership import PartnershipAmended, PartnershipSigned
from shared.web.errors import NotFound
from shared.web.unit_of_work import UnitOfWork

Answer = tuple[int, dict[str, Any]]


async def _partnership(uow: UnitOfWork, partnership_id: UUID) -> Partnership:
    return found(await rows.get(uow.conn, partnership_id, lock=True), "partnership", partnership_id)


async def _parent(uow: UnitOfWork, parent_id: UUID | None) -> Partnership | None:
    if parent_id is None:
        return None
    return found(await rows.get(uow.conn, parent_id), "parent partnership", parent_id)


async def register_party(cmd: RegisterParty, uow: UnitOfWork, ctx: Context) -> Answer:
    party = party_rules.register_party(
        cmd.party_id or uuid4(), cmd.name, cmd.role, cmd.region, cmd.locality, cmd.credit_code
    )
    await parties.add(uow.conn, party, ctx.recorded_at)
    return 201, {"party_id": str(party.party_id)}


async def sign_partnership(cmd: SignPartnership, uow: UnitOfWork, ctx: Context) -> Answer:
    partnership_id = cmd.partnership_id or uuid4()
    signed = PartnershipSigned(
        name=cmd.name,
        kind=cmd.kind,
        valid_from=cmd.valid_from,
        valid_until=cmd.valid_until,
        parent_id=cmd.parent_id,
        east_region=cmd.east_region,
        west_region=cmd.west_region,
        retention_checkpoints=cmd.retention_checkpoints,
    )
    event = ctx.wrap(rules.sign(signed, partnership_id, await _parent(uow, cmd.parent_id)), cmd, partnership_id)
    await rows.add(uow.conn, event, signed)
    await uow.emit(event)
    return 201, recorded(event, partnership_id=partnership_id)


async def amend_partnership(cmd: AmendPartnership, uow: UnitOfWork, ctx: Context) -> Answer:
    partnership = await _partnership(uow, cmd.partnership_id)
    change = PartnershipAmended(
        name=cmd.name,
        valid_until=cmd.valid_until,
        parent_id=cmd.parent_id,
        retention_checkpoints=cmd.retention_checkpoints,
    )
    parent = await _parent(uow, cmd.parent_id)
    lineage = await rows.ancestors(uow.conn, cmd.parent_id) if cmd.parent_id else []
    event = ctx.wrap(rules.amend(partnership, change, parent, lineage), cmd, cmd.partnership_id)
    await rows.add_amendment(uow.conn, event, change)
    await refold_terms(uow.conn, cmd.partnership_id)
    await uow.emit(event)
    return 201, recorded(event, partnership_id=cmd.partnership_id)


async def refold_terms(conn: asyncpg.Connection, partnership_id: UUID) -> None:
    """The current terms follow the standing amendments in business order, also after a back-dated one."""
    signed, amendments = await rows.signed_and_amendments(conn, partnership_id)
    await rows.save_terms(conn, rules.current_terms(signed, amendments))


async def end_partnership(cmd: EndPartnership, uow: UnitOfWork, ctx: Context) -> Answer:
    partnership = await _partnership(uow, cmd.partnership_id)
    event = ctx.wrap(rules.end(partnership, ctx.business_date(cmd), cmd.reason), cmd, cmd.partnership_id)
    await rows.mark_ended(uow.conn, event, cmd.reason)
    await uow.emit(event)
    return 201, recorded(event, partnership_id=cmd.partnership_id)


async def admit_member(cmd: AdmitMember, uow: UnitOfWork, ctx: Context) -> Answer:
    partnership = await _partnership(uow, cmd.partnership_id)
    party = found(await parties.get(uow.conn, cmd.party_id), "party", cmd.party_id)
    current = await rows.membership(uow.conn, cmd.partnership_id, cmd.party_id)
    joined = rules.join(partnership, party, current, cmd.member_role, ctx.business_date(cmd))
    event = ctx.wrap(joined, cmd, cmd.partnership_id, party_id=cmd.party_id)
    await rows.add_member(uow.conn, event, joined)
    await uow.emit(event)
    return 201, recorded(event, partnership_id=cmd.partnership_id, party_id=cmd.party_id)


async def remove_member(cmd: RemoveMember, uow: UnitOfWork, ctx: Context) -> Answer:
    partnership = await _partnership(uow, cmd.partnership_id)
    found(await parties.get(uow.conn, cmd.party_id), "party", cmd.party_id)
    current = await rows.membership(uow.conn, cmd.partnership_id, cmd.party_id)
    left = rules.leave(partnership, cmd.party_id, current, ctx.business_date(cmd), cmd.reason)
    event = ctx.wrap(left, cmd, cmd.partnership_id, party_id=cmd.party_id)
    await rows.mark_left(uow.conn, event, cmd.party_id, cmd.reason)
    await uow.emit(event)
    return 201, recorded(event, partnership_id=cmd.partnership_id, party_id=cmd.party_id)


async def register_programme(cmd: RegisterProgramme, uow: UnitOfWork, ctx: Context) -> Answer:
    partnership = await _partnership(uow, cmd.partnership_id)
    programme_id = cmd.programme_id or uuid4()
    registered = rules.register_programme(partnership, programme_id, cmd.name, ctx.business_date(cmd))
    event = ctx.wrap(registered, cmd, cmd.partnership_id)
    await class_rows.add_programme(uow.conn, event, registered)
    await uow.emit(event)
    return 201, recorded(event, partnership_id=cmd.partnership_id, programme_id=programme_id)


async def set_target(cmd: SetTarget, uow: UnitOfWork, ctx: Context) -> Answer:
    partnership = await _partnership(uow, cmd.partnership_id)
    if cmd.class_id is not None:
        ordered_class = found(await class_rows.get(uow.conn, cmd.class_id), "class", cmd.class_id)
        if ordered_class.partnership_id != cmd.partnership_id:
            raise NotFound(f"no class {cmd.class_id} in partnership {cmd.partnership_id}")
    target_id = cmd.target_id or uuid4()
    target = rules.set_target(
        partnership, target_id, cmd.metric, cmd.comparison, cmd.goal, cmd.class_id, ctx.business_date(cmd)
    )
    event = ctx.wrap(target, cmd, cmd.partnership_id, class_id=cmd.class_id)
    await ledger.add_target(uow.conn, event, target)
    await uow.emit(event)
    return 201, recorded(event, partnership_id=cmd.partnership_id, target_id=target_id)


async def record_funding(cmd: RecordFunding, uow: UnitOfWork, ctx: Context) -> Answer:
    partnership = await _partnership(uow, cmd.partnership_id)
    funding_id = cmd.funding_id or uuid4()
    funding = rules.record_funding(
        partnership, funding_id, cmd.amount_yuan, cmd.source, cmd.period_start, cmd.period_end
    )
    event = ctx.wrap(funding, cmd, cmd.partnership_id)
    await ledger.add_funding(uow.conn, event, funding)
    await uow.emit(event)
    return 201, recorded(event, partnership_id=cmd.partnership_id, funding_id=funding_id)
