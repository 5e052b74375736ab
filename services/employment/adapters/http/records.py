"""Read routes for employment's own records: offers, placements, further study, checks, household updates."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, TypeVar
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, field_validator

from services.employment.adapters.db import queries
from services.employment.adapters.db.visibility import readable
from services.employment.adapters.http.reading import Conn, Listing, Today, listing
from services.employment.adapters.http.views import (
    DueCheckOut,
    FurtherStudyOut,
    HouseholdUpdateOut,
    OfferOut,
    PlacementOut,
    RetentionCheckOut,
)
from services.employment.domain.errors import Unknown
from shared.contracts.employment import EmployerRelation
from shared.security.reading import Visible
from shared.web.pagination import Page
from shared.web.problems import NOT_FOUND
from shared.web.read_scopes import Visibility

router = APIRouter(responses=NOT_FOUND)
T = TypeVar("T", bound=BaseModel)


class OfStudents(Listing):
    student_id: UUID | None = None
    partnership_id: UUID | None = None


class OfferQuery(OfStudents):
    status: Literal["offered", "accepted", "declined"] | None = None


class PlacementQuery(OfStudents):
    class_id: UUID | None = None
    relation: EmployerRelation | None = None
    employer_credit_code: str | None = None

    @field_validator("employer_credit_code")
    @classmethod
    def _normalised(cls, code: str | None) -> str | None:
        return code.strip().upper() if code else None


class CheckQuery(OfStudents):
    placement_id: UUID | None = None
    checkpoint_days: int | None = Field(default=None, gt=0)


class DueQuery(Listing):
    as_of: date | None = Field(default=None, description="Defaults to today (Asia/Shanghai)")
    partnership_id: UUID | None = None
    class_id: UUID | None = None
    student_id: UUID | None = None


async def _live(conn: asyncpg.Connection, seen: Visible, table: str, query: Listing, out: type[T]) -> Page[T]:
    """Records of retracted facts are left out of every list (DOMAIN.md: a retraction removes the fact)."""
    return await listing(conn, seen, table, query, out, filters={**query.filters(), "retracted": False})


async def _one(
    conn: asyncpg.Connection, seen: Visible, table: str, key: str, value: UUID, out: type[T], missing: str
) -> T:
    row = await queries.one(conn, table, key, value)
    if row is None or not seen.includes(row["partnership_id"]):
        raise Unknown(missing)
    return out.model_validate(dict(row))


@router.get("/offers", tags=["offers"], summary="Job offers")
async def list_offers(conn: Conn, seen: Visibility, query: Annotated[OfferQuery, Query()]) -> Page[OfferOut]:
    return await _live(conn, seen, "offers", query, OfferOut)


@router.get("/offers/{offer_id}", tags=["offers"], summary="One job offer")
async def get_offer(offer_id: UUID, conn: Conn, seen: Visibility) -> OfferOut:
    return await _one(
        conn, seen, "offers", "offer_id", offer_id, OfferOut, f"no offer {offer_id} (a held one is under /held-facts)"
    )


@router.get("/placements", tags=["placements"], summary="Placements")
async def list_placements(
    conn: Conn, seen: Visibility, query: Annotated[PlacementQuery, Query()]
) -> Page[PlacementOut]:
    return await _live(conn, seen, "placements", query, PlacementOut)


@router.get("/placements/{placement_id}", tags=["placements"], summary="One placement")
async def get_placement(placement_id: UUID, conn: Conn, seen: Visibility) -> PlacementOut:
    missing = f"no placement {placement_id} (a held one is under /held-facts)"
    return await _one(conn, seen, "placements", "placement_id", placement_id, PlacementOut, missing)


@router.get("/further-studies", tags=["further study"], summary="Entries to further study")
async def list_further_studies(
    conn: Conn, seen: Visibility, query: Annotated[OfStudents, Query()]
) -> Page[FurtherStudyOut]:
    return await _live(conn, seen, "further_studies", query, FurtherStudyOut)


@router.get("/further-studies/{study_id}", tags=["further study"], summary="One entry")
async def get_further_study(study_id: UUID, conn: Conn, seen: Visibility) -> FurtherStudyOut:
    return await _one(
        conn, seen, "further_studies", "study_id", study_id, FurtherStudyOut, f"no further study {study_id}"
    )


@router.get(
    "/retention-checks/due",
    tags=["retention checks"],
    summary="Checks due: placements whose start + k days has passed with no check for k",
    description="k runs over the partnership's check-points (90, 180 and 365 days unless its agreement says"
    " otherwise). `as_of` defaults to today (Asia/Shanghai).",
)
async def list_due_checks(
    conn: Conn, seen: Visibility, today: Today, query: Annotated[DueQuery, Query()]
) -> Page[DueCheckOut]:
    filters: dict[str, Any] = query.filters(prefix="p.")
    del filters["p.as_of"]
    filters.update(readable(seen, "placements", prefix="p."))
    rows, after = await queries.due_checks(conn, query.as_of or today, filters, query.cursor, query.limit)
    return Page(items=[DueCheckOut.model_validate(dict(r)) for r in rows], next_cursor=after)


@router.get("/retention-checks", tags=["retention checks"], summary="Checks recorded")
async def list_retention_checks(
    conn: Conn, seen: Visibility, query: Annotated[CheckQuery, Query()]
) -> Page[RetentionCheckOut]:
    return await _live(conn, seen, "retention_checks", query, RetentionCheckOut)


@router.get("/retention-checks/{check_id}", tags=["retention checks"], summary="One check")
async def get_retention_check(check_id: UUID, conn: Conn, seen: Visibility) -> RetentionCheckOut:
    return await _one(
        conn, seen, "retention_checks", "check_id", check_id, RetentionCheckOut, f"no retention check {check_id}"
    )


@router.get("/household-updates", tags=["household status"], summary="Household status updates")
async def list_household_updates(
    conn: Conn, seen: Visibility, query: Annotated[OfStudents, Query()]
) -> Page[HouseholdUpdateOut]:
    return await _live(conn, seen, "household_updates", query, HouseholdUpdateOut)
