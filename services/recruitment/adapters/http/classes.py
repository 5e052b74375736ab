"""Routes for ordered classes."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from services.recruitment.adapters.db.classes import CLASS_LIST
from services.recruitment.adapters.http.common import NOT_FOUND, Cursor, Limit, command_of, listed, one, record
from services.recruitment.adapters.http.views import ClassOut, ClassRecorded
from services.recruitment.commands import CloseClass, OpenClass
from services.recruitment.commands.partnerships import ClassIn, ClosingIn
from shared.web.errors import ERROR_RESPONSES
from shared.web.pagination import Page
from shared.web.routes import IdempotencyKey

router = APIRouter(tags=["classes"])


@router.post(
    "/classes",
    responses=ERROR_RESPONSES,
    status_code=201,
    response_model=ClassRecorded,
    summary="Open an ordered class",
)
async def post_class(body: ClassIn, request: Request, key: IdempotencyKey = None) -> JSONResponse:
    """ClassOpened. The partnership must be in force, the school and the sponsor enterprise current members, and the
    programme registered under the partnership or one of its parents; the sponsor's credit code is copied in."""
    return await record(request, key, body, command_of(OpenClass, body))


@router.get("/classes", response_model=Page[ClassOut], summary="List classes")
async def get_classes(
    request: Request,
    partnership_id: UUID | None = None,
    programme_id: UUID | None = None,
    school_id: UUID | None = None,
    sponsor_id: UUID | None = None,
    cohort_year: int | None = None,
    status: Literal["open", "closed"] | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Page[ClassOut]:
    filters = {
        "partnership_id": partnership_id,
        "programme_id": programme_id,
        "school_id": school_id,
        "sponsor_id": sponsor_id,
        "cohort_year": cohort_year,
        "status": status,
    }
    return await listed(request, ClassOut, CLASS_LIST, filters, cursor, limit)


@router.get(
    "/classes/{class_id}", responses=NOT_FOUND, response_model=ClassOut, summary="One class, with its live enrolments"
)
async def get_class(class_id: UUID, request: Request) -> ClassOut:
    return await one(request, ClassOut, CLASS_LIST, class_id, "class")


@router.post(
    "/classes/{class_id}/closure",
    responses=ERROR_RESPONSES,
    status_code=201,
    response_model=ClassRecorded,
    summary="Close a class",
)
async def post_closure(class_id: UUID, body: ClosingIn, request: Request, key: IdempotencyKey = None) -> JSONResponse:
    """ClassClosed; a closed class takes no applications or enrolments, and closing it twice is a 409."""
    return await record(request, key, body, command_of(CloseClass, body, class_id=class_id))
