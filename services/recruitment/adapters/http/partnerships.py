"""Routes for parties, partnerships, members, programmes, targets and funding."""

from __future__ import annotations

from enum import Enum
from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from services.recruitment.adapters.db.classes import PROGRAMME_LIST
from services.recruitment.adapters.db.ledger import FUNDING_LIST, TARGET_LIST
from services.recruitment.adapters.db.parties import PARTY_LIST
from services.recruitment.adapters.db.partnerships import MEMBER_LIST, PARTNERSHIP_LIST
from services.recruitment.adapters.http.common import NOT_FOUND, Cursor, Limit, command_of, listed, one, record
from services.recruitment.adapters.http.views import (
    FundingOut,
    FundingRecordedOut,
    MemberOut,
    MemberRecorded,
    PartnershipOut,
    PartnershipRecorded,
    PartyOut,
    PartyRegistered,
    ProgrammeOut,
    ProgrammeRecorded,
    TargetOut,
    TargetRecorded,
)
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
from services.recruitment.commands.partnerships import (
    AmendmentIn,
    EndingIn,
    FundingIn,
    LeavingIn,
    MemberIn,
    PartnershipIn,
    PartyIn,
    ProgrammeIn,
    TargetIn,
)
from shared.contracts.base import Region
from shared.contracts.partnership import Comparison, FundingSource, PartnershipKind, PartyRole
from shared.web.errors import ERROR_RESPONSES
from shared.web.pagination import Page
from shared.web.routes import IdempotencyKey

router = APIRouter()
parties: list[str | Enum] = ["parties"]
agreements: list[str | Enum] = ["partnerships"]


@router.post(
    "/parties",
    responses=ERROR_RESPONSES,
    status_code=201,
    response_model=PartyRegistered,
    tags=parties,
    summary="Register a party",
)
async def post_party(body: PartyIn, request: Request, key: IdempotencyKey = None) -> JSONResponse:
    """Parties are stored here and travel inside MemberJoined; registering one emits no event."""
    return await record(request, key, body, command_of(RegisterParty, body))


@router.get("/parties", response_model=Page[PartyOut], tags=parties, summary="List parties")
async def get_parties(
    request: Request,
    role: PartyRole | None = None,
    region: Region | None = None,
    locality: str | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[PartyOut]:
    filters = {"role": role, "region": region, "locality": locality}
    return await listed(request, PartyOut, PARTY_LIST, filters, cursor, limit)


@router.get("/parties/{party_id}", responses=NOT_FOUND, response_model=PartyOut, tags=parties, summary="One party")
async def get_party(party_id: UUID, request: Request) -> PartyOut:
    return await one(request, PartyOut, PARTY_LIST, party_id, "party")


@router.post(
    "/partnerships",
    responses=ERROR_RESPONSES,
    status_code=201,
    response_model=PartnershipRecorded,
    tags=agreements,
    summary="Sign a partnership",
)
async def post_partnership(body: PartnershipIn, request: Request, key: IdempotencyKey = None) -> JSONResponse:
    """PartnershipSigned. A parent must be a standing alliance or programme."""
    return await record(request, key, body, command_of(SignPartnership, body))


@router.get("/partnerships", response_model=Page[PartnershipOut], tags=agreements, summary="List partnerships")
async def get_partnerships(
    request: Request,
    kind: PartnershipKind | None = None,
    parent_id: UUID | None = None,
    status: Literal["active", "ended"] | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[PartnershipOut]:
    filters = {"kind": kind, "parent_id": parent_id, "status": status}
    return await listed(request, PartnershipOut, PARTNERSHIP_LIST, filters, cursor, limit)


@router.get(
    "/partnerships/{partnership_id}",
    responses=NOT_FOUND,
    response_model=PartnershipOut,
    tags=agreements,
    summary="One partnership",
)
async def get_partnership(partnership_id: UUID, request: Request) -> PartnershipOut:
    return await one(request, PartnershipOut, PARTNERSHIP_LIST, partnership_id, "partnership")


@router.post(
    "/partnerships/{partnership_id}/amendments",
    responses=ERROR_RESPONSES,
    status_code=201,
    response_model=PartnershipRecorded,
    tags=agreements,
    summary="Amend a partnership",
)
async def post_amendment(
    partnership_id: UUID, body: AmendmentIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    """PartnershipAmended: omitted fields stay; amendments apply in business-date order, the last wins."""
    return await record(request, key, body, command_of(AmendPartnership, body, partnership_id=partnership_id))


@router.post(
    "/partnerships/{partnership_id}/ending",
    responses=ERROR_RESPONSES,
    status_code=201,
    response_model=PartnershipRecorded,
    tags=agreements,
    summary="End a partnership",
)
async def post_ending(
    partnership_id: UUID, body: EndingIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    """PartnershipEnded; a second ending is a 409. Its history stays in every roll-up."""
    return await record(request, key, body, command_of(EndPartnership, body, partnership_id=partnership_id))


@router.post(
    "/partnerships/{partnership_id}/members",
    responses=ERROR_RESPONSES,
    status_code=201,
    response_model=MemberRecorded,
    tags=agreements,
    summary="A party joins",
)
async def post_member(
    partnership_id: UUID, body: MemberIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    """MemberJoined, carrying the party as it is now; a current member joining again is a 409."""
    return await record(request, key, body, command_of(AdmitMember, body, partnership_id=partnership_id))


@router.get(
    "/partnerships/{partnership_id}/members",
    responses=NOT_FOUND,
    response_model=Page[MemberOut],
    tags=agreements,
    summary="List members",
)
async def get_members(
    partnership_id: UUID,
    request: Request,
    current: bool | None = None,
    party_role: PartyRole | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[MemberOut]:
    await one(request, PartnershipOut, PARTNERSHIP_LIST, partnership_id, "partnership")
    filters = {"partnership_id": partnership_id, "current": current, "party_role": party_role}
    return await listed(request, MemberOut, MEMBER_LIST, filters, cursor, limit)


@router.post(
    "/partnerships/{partnership_id}/members/{party_id}/leaving",
    responses=ERROR_RESPONSES,
    status_code=201,
    response_model=MemberRecorded,
    tags=agreements,
    summary="A party leaves",
)
async def post_leaving(
    partnership_id: UUID, party_id: UUID, body: LeavingIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    """MemberLeft; a party that is not a current member gets a 409."""
    command = command_of(RemoveMember, body, partnership_id=partnership_id, party_id=party_id)
    return await record(request, key, body, command)


@router.post(
    "/partnerships/{partnership_id}/programmes",
    responses=ERROR_RESPONSES,
    status_code=201,
    response_model=ProgrammeRecorded,
    tags=agreements,
    summary="Register a programme (brand)",
)
async def post_programme(
    partnership_id: UUID, body: ProgrammeIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    """ProgrammeRegistered. Classes of this partnership and of its descendants may run under it."""
    return await record(request, key, body, command_of(RegisterProgramme, body, partnership_id=partnership_id))


@router.get("/programmes", response_model=Page[ProgrammeOut], tags=agreements, summary="List programmes")
async def get_programmes(
    request: Request, partnership_id: UUID | None = None, cursor: Cursor = None, limit: Limit = 50
) -> Page[ProgrammeOut]:
    return await listed(request, ProgrammeOut, PROGRAMME_LIST, {"partnership_id": partnership_id}, cursor, limit)


@router.post(
    "/partnerships/{partnership_id}/targets",
    responses=ERROR_RESPONSES,
    status_code=201,
    response_model=TargetRecorded,
    tags=agreements,
    summary="Set a target",
)
async def post_target(
    partnership_id: UUID, body: TargetIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    """TargetSet; for one metric and scope the latest target wins (assessment compares figures with it)."""
    return await record(request, key, body, command_of(SetTarget, body, partnership_id=partnership_id))


@router.get("/targets", response_model=Page[TargetOut], tags=agreements, summary="List targets")
async def get_targets(
    request: Request,
    partnership_id: UUID | None = None,
    metric: str | None = None,
    comparison: Comparison | None = None,
    class_id: UUID | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[TargetOut]:
    filters = {"partnership_id": partnership_id, "metric": metric, "comparison": comparison, "class_id": class_id}
    return await listed(request, TargetOut, TARGET_LIST, filters, cursor, limit)


@router.post(
    "/partnerships/{partnership_id}/funding",
    responses=ERROR_RESPONSES,
    status_code=201,
    response_model=FundingRecordedOut,
    tags=agreements,
    summary="Record funding",
)
async def post_funding(
    partnership_id: UUID, body: FundingIn, request: Request, key: IdempotencyKey = None
) -> JSONResponse:
    """FundingRecorded: money spent on the partnership's training in a period (cost per outcome)."""
    return await record(request, key, body, command_of(RecordFunding, body, partnership_id=partnership_id))


@router.get("/funding", response_model=Page[FundingOut], tags=agreements, summary="List funding")
async def get_funding(
    request: Request,
    partnership_id: UUID | None = None,
    source: FundingSource | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[FundingOut]:
    filters = {"partnership_id": partnership_id, "source": source}
    return await listed(request, FundingOut, FUNDING_LIST, filters, cursor, limit)
