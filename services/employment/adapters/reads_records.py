"""Read routes for employment's own records: offers, placements, further study, checks, household updates."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query

from services.employment.adapters.queries import due_checks, page
from services.employment.adapters.reads import Conn, Cursor, Limit
from services.employment.adapters.views import (
    DueCheckOut,
    FurtherStudyOut,
    HouseholdUpdateOut,
    OfferOut,
    PlacementOut,
    RetentionCheckOut,
)
from shared.contracts.employment import EmployerRelation
from shared.web.clock import business_today
from shared.web.errors import ERROR_RESPONSES, NotFound
from shared.web.pagination import Page

router = APIRouter(responses={404: ERROR_RESPONSES[404]})
_LIVE = {"retracted": False}


@router.get("/offers", response_model=Page[OfferOut], tags=["offers"], summary="Job offers")
async def list_offers(
    conn: Conn,
    student_id: UUID | None = None,
    partnership_id: UUID | None = None,
    status: Literal["offered", "accepted", "declined"] | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[OfferOut]:
    filters = {**_LIVE, "student_id": student_id, "partnership_id": partnership_id, "status": status}
    rows, after = await page(conn, "offers", filters, cursor, limit)
    return Page(items=[OfferOut.model_validate(dict(r)) for r in rows], next_cursor=after)


@router.get("/offers/{offer_id}", response_model=OfferOut, tags=["offers"], summary="One job offer")
async def get_offer(offer_id: UUID, conn: Conn) -> OfferOut:
    row = await conn.fetchrow("SELECT * FROM offers WHERE offer_id = $1 AND NOT retracted", offer_id)
    if row is None:
        raise NotFound(f"no offer {offer_id} (a held one is under /held-facts)")
    return OfferOut.model_validate(dict(row))


@router.get("/placements", response_model=Page[PlacementOut], tags=["placements"], summary="Placements")
async def list_placements(
    conn: Conn,
    student_id: UUID | None = None,
    partnership_id: UUID | None = None,
    class_id: UUID | None = None,
    relation: EmployerRelation | None = None,
    employer_credit_code: str | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[PlacementOut]:
    filters = {
        **_LIVE,
        "student_id": student_id,
        "partnership_id": partnership_id,
        "class_id": class_id,
        "relation": relation,
        "employer_credit_code": employer_credit_code.strip().upper() if employer_credit_code else None,
    }
    rows, after = await page(conn, "placements", filters, cursor, limit)
    return Page(items=[PlacementOut.model_validate(dict(r)) for r in rows], next_cursor=after)


@router.get("/placements/{placement_id}", response_model=PlacementOut, tags=["placements"], summary="One placement")
async def get_placement(placement_id: UUID, conn: Conn) -> PlacementOut:
    row = await conn.fetchrow("SELECT * FROM placements WHERE placement_id = $1 AND NOT retracted", placement_id)
    if row is None:
        raise NotFound(f"no placement {placement_id} (a held one is under /held-facts)")
    return PlacementOut.model_validate(dict(row))


@router.get(
    "/further-studies", response_model=Page[FurtherStudyOut], tags=["further study"], summary="Entries to further study"
)
async def list_further_studies(
    conn: Conn,
    student_id: UUID | None = None,
    partnership_id: UUID | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[FurtherStudyOut]:
    filters = {**_LIVE, "student_id": student_id, "partnership_id": partnership_id}
    rows, after = await page(conn, "further_studies", filters, cursor, limit)
    return Page(items=[FurtherStudyOut.model_validate(dict(r)) for r in rows], next_cursor=after)


@router.get("/further-studies/{study_id}", response_model=FurtherStudyOut, tags=["further study"], summary="One entry")
async def get_further_study(study_id: UUID, conn: Conn) -> FurtherStudyOut:
    row = await conn.fetchrow("SELECT * FROM further_studies WHERE study_id = $1 AND NOT retracted", study_id)
    if row is None:
        raise NotFound(f"no further study {study_id}")
    return FurtherStudyOut.model_validate(dict(row))


@router.get(
    "/retention-checks/due",
    response_model=Page[DueCheckOut],
    tags=["retention checks"],
    summary="Checks due: placements whose start + k days has passed with no check for k",
    description="k runs over the partnership's check-points (90, 180 and 365 days unless its agreement says"
    " otherwise). `as_of` defaults to today (Asia/Shanghai).",
)
async def list_due_checks(
    conn: Conn,
    as_of: date | None = None,
    partnership_id: UUID | None = None,
    class_id: UUID | None = None,
    student_id: UUID | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[DueCheckOut]:
    filters = {"p.partnership_id": partnership_id, "p.class_id": class_id, "p.student_id": student_id}
    rows, after = await due_checks(conn, as_of or business_today(), filters, cursor, limit)
    return Page(items=[DueCheckOut.model_validate(dict(r)) for r in rows], next_cursor=after)


@router.get(
    "/retention-checks", response_model=Page[RetentionCheckOut], tags=["retention checks"], summary="Checks recorded"
)
async def list_retention_checks(
    conn: Conn,
    placement_id: UUID | None = None,
    student_id: UUID | None = None,
    partnership_id: UUID | None = None,
    checkpoint_days: Annotated[int | None, Query(gt=0)] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[RetentionCheckOut]:
    filters = {
        **_LIVE,
        "placement_id": placement_id,
        "student_id": student_id,
        "partnership_id": partnership_id,
        "checkpoint_days": checkpoint_days,
    }
    rows, after = await page(conn, "retention_checks", filters, cursor, limit)
    return Page(items=[RetentionCheckOut.model_validate(dict(r)) for r in rows], next_cursor=after)


@router.get(
    "/retention-checks/{check_id}", response_model=RetentionCheckOut, tags=["retention checks"], summary="One check"
)
async def get_retention_check(check_id: UUID, conn: Conn) -> RetentionCheckOut:
    row = await conn.fetchrow("SELECT * FROM retention_checks WHERE check_id = $1 AND NOT retracted", check_id)
    if row is None:
        raise NotFound(f"no retention check {check_id}")
    return RetentionCheckOut.model_validate(dict(row))


@router.get(
    "/household-updates",
    response_model=Page[HouseholdUpdateOut],
    tags=["household status"],
    summary="Household status updates",
)
async def list_household_updates(
    conn: Conn,
    student_id: UUID | None = None,
    partnership_id: UUID | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[HouseholdUpdateOut]:
    filters = {**_LIVE, "student_id": student_id, "partnership_id": partnership_id}
    rows, after = await page(conn, "household_updates", filters, cursor, limit)
    return Page(items=[HouseholdUpdateOut.model_validate(dict(r)) for r in rows], next_cursor=after)
