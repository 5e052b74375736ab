"""Routes for exclusions: a student leaves, and comes back to, every outcome figure."""

from __future__ import annotations

from uuid import UUID

from services.recruitment.adapters.db.exclusions import EXCLUSION_LIST
from services.recruitment.adapters.http.common import CommandRoute, ListRoute, routes
from services.recruitment.adapters.http.schemas import ExclusionOut, ExclusionRecorded
from services.recruitment.application.commands.students import (
    ApplyExclusion,
    ExclusionIn,
    RevocationIn,
    RevokeExclusion,
)

STUDENTS = ("students",)
EXCLUSIONS = "/students/{student_id}/exclusions"

router = routes(
    CommandRoute(
        EXCLUSIONS, "post_exclusion", ExclusionIn, ApplyExclusion, ExclusionRecorded,
        "Exclude the student from outcome figures",
        "ExclusionApplied (death, long illness, military service), keyed by the partnership of the student's class.",
        STUDENTS,
    ),
    CommandRoute(
        f"{EXCLUSIONS}/revocation", "post_revocation", RevocationIn, RevokeExclusion, ExclusionRecorded,
        "Revoke the standing exclusion", "ExclusionRevoked: the student counts in outcome figures again.", STUDENTS,
    ),
    ListRoute(
        "/exclusions", "get_exclusions", ExclusionOut, EXCLUSION_LIST, "List exclusions", STUDENTS,
        {"student_id": UUID, "partnership_id": UUID, "standing": bool},
    ),
)  # fmt: skip
