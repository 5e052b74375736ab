"""Routes for parties, partnerships, members, programmes, targets and funding."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Request

from services.recruitment.adapters.db.classes import PROGRAMME_LIST
from services.recruitment.adapters.db.ledger import FUNDING_LIST, TARGET_LIST
from services.recruitment.adapters.db.parties import PARTY_LIST
from services.recruitment.adapters.db.partnerships import MEMBER_LIST, PARTNERSHIP_LIST
from services.recruitment.adapters.http.common import CommandRoute, Cursor, Limit, command_routes, listed, one
from services.recruitment.adapters.http.schemas import (
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
from services.recruitment.application.commands import (
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
from services.recruitment.application.commands.partnerships import (
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
from shared.web.pagination import Page
from shared.web.problems import NOT_FOUND

PARTIES = ("parties",)
AGREEMENTS = ("partnerships",)
ONE = "/partnerships/{partnership_id}"

router = command_routes(
    CommandRoute(
        "/parties", "post_party", PartyIn, RegisterParty, PartyRegistered, "Register a party",
        "Parties are stored here and travel inside MemberJoined; registering one emits no event.", PARTIES,
    ),
    CommandRoute(
        "/partnerships", "post_partnership", PartnershipIn, SignPartnership, PartnershipRecorded, "Sign a partnership",
        "PartnershipSigned. A parent must be a standing alliance or programme.", AGREEMENTS,
    ),
    CommandRoute(
        f"{ONE}/amendments", "post_amendment", AmendmentIn, AmendPartnership, PartnershipRecorded,
        "Amend a partnership",
        "PartnershipAmended: omitted fields stay; amendments apply in business-date order, the last wins.", AGREEMENTS,
    ),
    CommandRoute(
        f"{ONE}/ending", "post_ending", EndingIn, EndPartnership, PartnershipRecorded, "End a partnership",
        "PartnershipEnded; a second ending is a 409. Its history stays in every roll-up.", AGREEMENTS,
    ),
    CommandRoute(
        f"{ONE}/members", "post_member", MemberIn, AdmitMember, MemberRecorded, "A party joins",
        "MemberJoined, carrying the party as it is now; a current member joining again is a 409.", AGREEMENTS,
    ),
    CommandRoute(
        f"{ONE}/members/{{party_id}}/leaving", "post_leaving", LeavingIn, RemoveMember, MemberRecorded,
        "A party leaves", "MemberLeft; a party that is not a current member gets a 409.", AGREEMENTS,
    ),
    CommandRoute(
        f"{ONE}/programmes", "post_programme", ProgrammeIn, RegisterProgramme, ProgrammeRecorded,
        "Register a programme (brand)",
        "ProgrammeRegistered. Classes of this partnership and of its descendants may run under it.", AGREEMENTS,
    ),
    CommandRoute(
        f"{ONE}/targets", "post_target", TargetIn, SetTarget, TargetRecorded, "Set a target",
        "TargetSet; for one metric and scope the latest target wins (assessment compares figures with it).",
        AGREEMENTS,
    ),
    CommandRoute(
        f"{ONE}/funding", "post_funding", FundingIn, RecordFunding, FundingRecordedOut, "Record funding",
        "FundingRecorded: money spent on the partnership's training in a period (cost per outcome).", AGREEMENTS,
    ),
)  # fmt: skip
reads = APIRouter()


@reads.get("/parties", response_model=Page[PartyOut], tags=["parties"], summary="List parties")
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


@reads.get("/parties/{party_id}", responses=NOT_FOUND, response_model=PartyOut, tags=["parties"], summary="One party")
async def get_party(party_id: UUID, request: Request) -> PartyOut:
    return await one(request, PartyOut, PARTY_LIST, party_id, "party")


@reads.get("/partnerships", response_model=Page[PartnershipOut], tags=["partnerships"], summary="List partnerships")
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


@reads.get(ONE, responses=NOT_FOUND, response_model=PartnershipOut, tags=["partnerships"], summary="One partnership")
async def get_partnership(partnership_id: UUID, request: Request) -> PartnershipOut:
    return await one(request, PartnershipOut, PARTNERSHIP_LIST, partnership_id, "partnership")


@reads.get(
    f"{ONE}/members", responses=NOT_FOUND, response_model=Page[MemberOut], tags=["partnerships"], summary="List members"
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


@reads.get("/programmes", response_model=Page[ProgrammeOut], tags=["partnerships"], summary="List programmes")
async def get_programmes(
    request: Request, partnership_id: UUID | None = None, cursor: Cursor = None, limit: Limit = 50
) -> Page[ProgrammeOut]:
    return await listed(request, ProgrammeOut, PROGRAMME_LIST, {"partnership_id": partnership_id}, cursor, limit)


@reads.get("/targets", response_model=Page[TargetOut], tags=["partnerships"], summary="List targets")
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


@reads.get("/funding", response_model=Page[FundingOut], tags=["partnerships"], summary="List funding")
async def get_funding(
    request: Request,
    partnership_id: UUID | None = None,
    source: FundingSource | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[FundingOut]:
    filters = {"partnership_id": partnership_id, "source": source}
    return await listed(request, FundingOut, FUNDING_LIST, filters, cursor, limit)
