"""Command routes: the path, the body and the OpenAPI text of each; the body builds the command and the shared
route hands it to the pipeline (shared/web/routes.py, shared/web/commands.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from services.employment.adapters.http import schemas
from services.employment.adapters.http.views import FactAnswer
from shared.web.problems import ERROR_RESPONSES
from shared.web.routes import command_route

router = APIRouter(tags=["commands"], responses=ERROR_RESPONSES)
_HELD: dict[int | str, dict[str, Any]] = {
    202: {
        "model": FactAnswer,
        "description": "Held: the student's graduation has not reached employment yet. The fact is stored and"
        " applied in order when the Graduated event arrives, or rejected if a Withdrawn arrives instead. A check or"
        " an end of a held placement is held in turn and applied after it.",
    }
}


def _post(
    path: str, body: type[BaseModel], name: str, summary: str, *, may_hold: bool = True, description: str | None = None
) -> None:
    command_route(
        router,
        path,
        body,
        name=name,
        status_code=201,
        response_model=FactAnswer,
        responses=_HELD if may_hold else None,
        response_description="Recorded: the event is in the outbox",
        summary=summary,
        description=description,
    )


_post("/students/{student_id}/offers", schemas.OfferIn, "post_offer", "Record a job offer (JobOffered)")
_post(
    "/offers/{offer_id}/answer",
    schemas.AnswerIn,
    "post_answer",
    "Record the student's answer to an offer (OfferAccepted or OfferDeclined); a second answer is a 409",
)
_post(
    "/students/{student_id}/placements",
    schemas.PlacementIn,
    "post_placement",
    "Record a placement (Placed); sponsor/partner/other is decided by the employer's credit code",
    description="A later job needs no EmploymentEnded of the earlier one (employers rarely report an end);"
    " a student who withdrew gets none (409).",
)
_post(
    "/students/{student_id}/further-study",
    schemas.FurtherStudyIn,
    "post_further_study",
    "Record that a graduate entered further study (FurtherStudyEntered)",
)
_post(
    "/placements/{placement_id}/retention-checks",
    schemas.RetentionCheckIn,
    "post_retention_check",
    "Record a retention check at one of the partnership's check-points (RetentionChecked)",
    description="`evidence` is the check's method; conflicting checks are resolved by assessment"
    " (stronger evidence, then the latest).",
)
_post(
    "/placements/{placement_id}/end",
    schemas.EmploymentEndedIn,
    "post_employment_ended",
    "Record that a placement ended (EmploymentEnded)",
)
_post(
    "/students/{student_id}/household-status",
    schemas.HouseholdStatusIn,
    "post_household_status",
    "Record the student's household poverty status from occurred_on (HouseholdStatusUpdated)",
    may_hold=False,
)
