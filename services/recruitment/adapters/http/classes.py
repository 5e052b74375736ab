"""Routes for ordered classes."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from services.recruitment.adapters.db.classes import CLASS_LIST
from services.recruitment.adapters.http.common import CommandRoute, ListRoute, OneRoute, routes
from services.recruitment.adapters.http.schemas import ClassOut, ClassRecorded
from services.recruitment.application.commands.partnerships import (
    ClassIn,
    CloseClass,
    ClosingIn,
    OpenClass,
)

CLASSES = ("classes",)

router = routes(
    CommandRoute(
        "/classes", "post_class", ClassIn, OpenClass, ClassRecorded, "Open an ordered class",
        "ClassOpened. The partnership must be in force, the school and the sponsor enterprise current members, and"
        " the programme registered under the partnership or one of its parents; the sponsor's credit code is copied"
        " in.",
        CLASSES,
    ),
    ListRoute(
        "/classes", "get_classes", ClassOut, CLASS_LIST, "List classes", CLASSES,
        {
            "partnership_id": UUID, "programme_id": UUID, "school_id": UUID, "sponsor_id": UUID, "cohort_year": int,
            "status": Literal["open", "closed"],
        },
    ),
    OneRoute(
        "/classes/{class_id}", "get_class", ClassOut, CLASS_LIST, "class", "One class, with its live enrolments",
        CLASSES,
    ),
    CommandRoute(
        "/classes/{class_id}/closure", "post_closure", ClosingIn, CloseClass, ClassRecorded, "Close a class",
        "ClassClosed; a closed class takes no applications or enrolments, and closing it twice is a 409.", CLASSES,
    ),
)  # fmt: skip
