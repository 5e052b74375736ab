"""Routes for parties, partnerships, members, programmes, targets and funding."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from fastapi import Request

from services.recruitment.adapters.db.classes import PROGRAMME_LIST
from services.recruitment.adapters.db.ledger import FUNDING_LIST, TARGET_LIST
from services.recruitment.adapters.db.parties import PARTY_LIST
from services.recruitment.adapters.db.partnerships import MEMBER_LIST, PARTNERSHIP_LIST
from services.recruitment.adapters.http.common import (
    CommandRoute,
    Cursor,
    Limit,
    ListRoute,
    OneRoute,
    listed,
    one,
    routes,
)
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
from services.recruitment.application.commands.partnerships import (
    AdmitMember,
    AmendmentIn,
    AmendPartnership,
    EndingIn,
    EndPartnership,
    FundingIn,
    LeavingIn,
    MemberIn,
    PartnershipIn,
    PartyIn,
    ProgrammeIn,
    RecordFunding,
    RegisterParty,
    RegisterProgramme,
    RemoveMember,
    SetTarget,
    SignPartnership,
    TargetIn,
)
from shared.contracts.base import Region
from shared.contracts.partnership import Comparison, FundingSource, PartnershipKind, PartyRole
from shared.web.pagination import Page
from shared.web.problems import NOT_FOUND

PARTIES = ("parties",)
AGREEMENTS = ("partnerships",)
ONE = "/partnerships/{partnership_id}"

router = routes(
    CommandRoute(
        "/parties", "post_party", PartyIn, RegisterParty, PartyRegistered, "Register a party",
        "Parties are stored here and travel inside MemberJoined; registering one emits no event.", PARTIES,
    ),
    ListRoute(
        "/parties", "get_parties", PartyOut, PARTY_LIST, "List parties", PARTIES,
        {"role": PartyRole, "region": Region, "locality": str},
    ),
    OneRoute("/parties/{party_id}", "get_party", PartyOut, PARTY_LIST, "party", "One party", PARTIES),
    CommandRoute(
        "/partnerships", "post_partnership", PartnershipIn, SignPartnership, PartnershipRecorded, "Sign a partnership",
        "PartnershipSigned. A parent must be a standing alliance or programme.", AGREEMENTS,
    ),
    ListRoute(
        "/partnerships", "get_partnerships", PartnershipOut, PARTNERSHIP_LIST, "List partnerships", AGREEMENTS,
        {"kind": PartnershipKind, "parent_id": UUID, "status": Literal["active", "ended"]},
    ),
    OneRoute(ONE, "get_partnership", PartnershipOut, PARTNERSHIP_LIST, "partnership", "One partnership", AGREEMENTS),
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
    ListRoute(
        "/programmes", "get_programmes", ProgrammeOut, PROGRAMME_LIST, "List programmes", AGREEMENTS,
        {"partnership_id": UUID},
    ),
    CommandRoute(
        f"{ONE}/targets", "post_target", TargetIn, SetTarget, TargetRecorded, "Set a target",
        "TargetSet; for one metric and scope the latest target wins (assessment compares figures with it).",
        AGREEMENTS,
    ),
    ListRoute(
        "/targets", "get_targets", TargetOut, TARGET_LIST, "List targets", AGREEMENTS,
        {"partnership_id": UUID, "metric": str, "comparison": Comparison, "class_id": UUID},
    ),
    CommandRoute(
        f"{ONE}/funding", "post_funding", FundingIn, RecordFunding, FundingRecordedOut, "Record funding",
        "FundingRecorded: money spent on the partnership's training in a period (cost per outcome).", AGREEMENTS,
    ),
    ListRoute(
        "/funding", "get_funding", FundingOut, FUNDING_LIST, "List funding", AGREEMENTS,
        {"partnership_id": UUID, "source": FundingSource},
    ),
)  # fmt: skip


@router.get(
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
    """The members of a known partnership (404 for an unknown one, where a list would be empty)."""
    await one(request, PartnershipOut, PARTNERSHIP_LIST, partnership_id, "partnership")
    filters = {"partnership_id": partnership_id, "current": current, "party_role": party_role}
    return await listed(request, MemberOut, MEMBER_LIST, filters, cursor, limit)
