"""Routes for ordered classes."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Request

from services.recruitment.adapters.db.classes import CLASS_LIST
from services.recruitment.adapters.http.common import CommandRoute, Cursor, Limit, command_routes, listed, one
from services.recruitment.adapters.http.schemas import ClassOut, ClassRecorded
from services.recruitment.application.commands import CloseClass, OpenClass
from services.recruitment.application.commands.partnerships import ClassIn, ClosingIn
from shared.web.pagination import Page
from shared.web.problems import NOT_FOUND

CLASSES = ("classes",)

router = command_routes(
    CommandRoute(
        "/classes", "post_class", ClassIn, OpenClass, ClassRecorded, "Open an ordered class",
        "ClassOpened. The partnership must be in force, the school and the sponsor enterprise current members, and"
        " the programme registered under the partnership or one of its parents; the sponsor's credit code is copied"
        " in.",
        CLASSES,
    ),
    CommandRoute(
        "/classes/{class_id}/closure", "post_closure", ClosingIn, CloseClass, ClassRecorded, "Close a class",
        "ClassClosed; a closed class takes no applications or enrolments, and closing it twice is a 409.", CLASSES,
    ),
)  # fmt: skip
reads = APIRouter(tags=["classes"])


@reads.get("/classes", response_model=Page[ClassOut], summary="List classes")
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


@reads.get(
    "/classes/{class_id}", responses=NOT_FOUND, response_model=ClassOut, summary="One class, with its live enrolments"
)
async def get_class(class_id: UUID, request: Request) -> ClassOut:
    return await one(request, ClassOut, CLASS_LIST, class_id, "class")
