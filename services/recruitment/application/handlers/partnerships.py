"""Handlers for parties, partnerships, members, programmes, targets and funding: load, decide, save, answer."""

from __future__ import annotations

from uuid import UUID, uuid4

from services.recruitment.application.commands import partnerships as commands
from services.recruitment.application.handlers.common import fact_event, found, stated
from services.recruitment.application.unit_of_work import RecruitmentUnitOfWork
from services.recruitment.domain import parties as party_rules
from services.recruitment.domain import partnerships as rules
from services.recruitment.domain.errors import UnknownRecord
from services.recruitment.domain.partnerships import Partnership
from shared.application.context import Context
from shared.application.outcome import Outcome
from shared.contracts.partnership import PartnershipAmended, PartnershipSigned


async def _partnership(uow: RecruitmentUnitOfWork, partnership_id: UUID) -> Partnership:
    return found(await uow.partnerships.get(partnership_id, lock=True), "partnership", partnership_id)


async def _parent(uow: RecruitmentUnitOfWork, parent_id: UUID | None) -> Partnership | None:
    if parent_id is None:
        return None
    return found(await uow.partnerships.get(parent_id), "parent partnership", parent_id)


async def register_party(cmd: commands.RegisterParty, uow: RecruitmentUnitOfWork, ctx: Context) -> Outcome:
    """Parties travel inside MemberJoined; registering one records no event."""
    party = party_rules.register_party(
        cmd.party_id or uuid4(), cmd.name, cmd.role, cmd.region, cmd.locality, cmd.credit_code
    )
    await uow.parties.add(party, ctx.recorded_at)
    return Outcome(answer={"party_id": str(party.party_id)})


async def sign_partnership(cmd: commands.SignPartnership, uow: RecruitmentUnitOfWork, ctx: Context) -> Outcome:
    partnership_id = cmd.partnership_id or uuid4()
    signed = stated(PartnershipSigned, cmd)
    parent = await _parent(uow, cmd.parent_id)
    event = fact_event(ctx, rules.sign(signed, partnership_id, parent), cmd, partnership_id)
    await uow.partnerships.add(event, signed)
    return Outcome.recorded(event, partnership_id=partnership_id)


async def amend_partnership(cmd: commands.AmendPartnership, uow: RecruitmentUnitOfWork, ctx: Context) -> Outcome:
    partnership = await _partnership(uow, cmd.partnership_id)
    change = stated(PartnershipAmended, cmd)
    parent = await _parent(uow, cmd.parent_id)
    lineage = await uow.partnerships.ancestors(cmd.parent_id) if cmd.parent_id else []
    event = fact_event(ctx, rules.amend(partnership, change, parent, lineage), cmd, cmd.partnership_id)
    await uow.partnerships.add_amendment(event, change)
    await refold_terms(uow, cmd.partnership_id)
    return Outcome.recorded(event, partnership_id=cmd.partnership_id)


async def refold_terms(uow: RecruitmentUnitOfWork, partnership_id: UUID) -> Partnership:
    """The current terms follow the standing amendments in business order, also after a back-dated one."""
    signed, amendments = await uow.partnerships.signed_and_amendments(partnership_id)
    terms = rules.current_terms(signed, amendments)
    await uow.partnerships.save_terms(terms)
    return terms


async def end_partnership(cmd: commands.EndPartnership, uow: RecruitmentUnitOfWork, ctx: Context) -> Outcome:
    partnership = await _partnership(uow, cmd.partnership_id)
    ended = rules.end(partnership, ctx.business_date(cmd.occurred_on), cmd.reason)
    event = fact_event(ctx, ended, cmd, cmd.partnership_id)
    await uow.partnerships.mark_ended(event, cmd.reason)
    return Outcome.recorded(event, partnership_id=cmd.partnership_id)


async def admit_member(cmd: commands.AdmitMember, uow: RecruitmentUnitOfWork, ctx: Context) -> Outcome:
    partnership = await _partnership(uow, cmd.partnership_id)
    party = found(await uow.parties.get(cmd.party_id), "party", cmd.party_id)
    current = await uow.partnerships.membership(cmd.partnership_id, cmd.party_id)
    joined = rules.join(partnership, party, current, cmd.member_role, ctx.business_date(cmd.occurred_on))
    event = fact_event(ctx, joined, cmd, cmd.partnership_id, party_id=cmd.party_id)
    await uow.partnerships.add_member(event, joined)
    return Outcome.recorded(event, partnership_id=cmd.partnership_id, party_id=cmd.party_id)


async def remove_member(cmd: commands.RemoveMember, uow: RecruitmentUnitOfWork, ctx: Context) -> Outcome:
    partnership = await _partnership(uow, cmd.partnership_id)
    found(await uow.parties.get(cmd.party_id), "party", cmd.party_id)
    current = await uow.partnerships.membership(cmd.partnership_id, cmd.party_id)
    left = rules.leave(partnership, cmd.party_id, current, ctx.business_date(cmd.occurred_on), cmd.reason)
    event = fact_event(ctx, left, cmd, cmd.partnership_id, party_id=cmd.party_id)
    await uow.partnerships.mark_left(event, cmd.party_id, cmd.reason)
    return Outcome.recorded(event, partnership_id=cmd.partnership_id, party_id=cmd.party_id)


async def register_programme(cmd: commands.RegisterProgramme, uow: RecruitmentUnitOfWork, ctx: Context) -> Outcome:
    partnership = await _partnership(uow, cmd.partnership_id)
    programme_id = cmd.programme_id or uuid4()
    registered = rules.register_programme(partnership, programme_id, cmd.name, ctx.business_date(cmd.occurred_on))
    event = fact_event(ctx, registered, cmd, cmd.partnership_id)
    await uow.classes.add_programme(event, registered)
    return Outcome.recorded(event, partnership_id=cmd.partnership_id, programme_id=programme_id)


async def set_target(cmd: commands.SetTarget, uow: RecruitmentUnitOfWork, ctx: Context) -> Outcome:
    partnership = await _partnership(uow, cmd.partnership_id)
    if cmd.class_id is not None:
        ordered_class = found(await uow.classes.get(cmd.class_id), "class", cmd.class_id)
        if ordered_class.partnership_id != cmd.partnership_id:
            raise UnknownRecord(f"no class {cmd.class_id} in partnership {cmd.partnership_id}")
    target_id = cmd.target_id or uuid4()
    on = ctx.business_date(cmd.occurred_on)
    target = rules.set_target(partnership, target_id, cmd.metric, cmd.comparison, cmd.goal, cmd.class_id, on)
    event = fact_event(ctx, target, cmd, cmd.partnership_id, class_id=cmd.class_id)
    await uow.ledger.add_target(event, target)
    return Outcome.recorded(event, partnership_id=cmd.partnership_id, target_id=target_id)


async def record_funding(cmd: commands.RecordFunding, uow: RecruitmentUnitOfWork, ctx: Context) -> Outcome:
    partnership = await _partnership(uow, cmd.partnership_id)
    funding_id = cmd.funding_id or uuid4()
    funding = rules.record_funding(
        partnership, funding_id, cmd.amount_yuan, cmd.source, cmd.period_start, cmd.period_end
    )
    event = fact_event(ctx, funding, cmd, cmd.partnership_id)
    await uow.ledger.add_funding(event, funding)
    return Outcome.recorded(event, partnership_id=cmd.partnership_id, funding_id=funding_id)
