"""Operator-only import of facts from older systems, with their original recorded_at (DOMAIN.md, counting rules).

Each fact runs through the same handlers as a live command, in recorded_at order, in a transaction of its own
whose Idempotency-Key is `import:<import_id>`: importing the same file twice changes nothing.
"""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import NAMESPACE_URL, UUID, uuid5

from fastapi import APIRouter, Header, HTTPException, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.employment.adapters.schemas import (
    AnswerIn,
    EmploymentEndedIn,
    FurtherStudyIn,
    HouseholdStatusIn,
    OfferIn,
    PlacementIn,
    RetentionCheckIn,
)
from services.employment.commands import Command
from services.employment.handlers import handle
from shared.errors import DomainError, InvalidFact
from shared.web.clock import now
from shared.web.idempotency import fingerprint
from shared.web.runtime import runtime_of
from shared.web.unit_of_work import UnitOfWork, execute

router = APIRouter(prefix="/admin", tags=["operator"])


class _Imported(BaseModel):
    import_id: str = Field(min_length=1, max_length=200, description="Unique per fact; the import's idempotency key")
    recorded_at: AwareDatetime = Field(description="When the older system recorded the fact")


class ImportedOffer(_Imported):
    kind: Literal["job_offered"]
    student_id: UUID
    offer_id: UUID
    fact: OfferIn

    def command(self) -> Command:
        return self.fact.to_command(self.student_id, self.offer_id, self.recorded_at)


class ImportedAnswer(_Imported):
    kind: Literal["offer_answered"]
    offer_id: UUID
    fact: AnswerIn

    def command(self) -> Command:
        return self.fact.to_command(self.offer_id, self.recorded_at)


class ImportedPlacement(_Imported):
    kind: Literal["placed"]
    student_id: UUID
    placement_id: UUID
    fact: PlacementIn

    def command(self) -> Command:
        return self.fact.to_command(self.student_id, self.placement_id, self.recorded_at)


class ImportedFurtherStudy(_Imported):
    kind: Literal["further_study_entered"]
    student_id: UUID
    fact: FurtherStudyIn

    def command(self) -> Command:
        study_id = uuid5(NAMESPACE_URL, f"employment-import:{self.import_id}")
        return self.fact.to_command(self.student_id, study_id, self.recorded_at)


class ImportedCheck(_Imported):
    kind: Literal["retention_checked"]
    placement_id: UUID
    fact: RetentionCheckIn

    def command(self) -> Command:
        return self.fact.to_command(self.placement_id, self.recorded_at)


class ImportedEnding(_Imported):
    kind: Literal["employment_ended"]
    placement_id: UUID
    fact: EmploymentEndedIn

    def command(self) -> Command:
        return self.fact.to_command(self.placement_id, self.recorded_at)


class ImportedHouseholdStatus(_Imported):
    kind: Literal["household_status_updated"]
    student_id: UUID
    fact: HouseholdStatusIn

    def command(self) -> Command:
        return self.fact.to_command(self.student_id, self.recorded_at)


AnyImported = (
    ImportedOffer
    | ImportedAnswer
    | ImportedPlacement
    | ImportedFurtherStudy
    | ImportedCheck
    | ImportedEnding
    | ImportedHouseholdStatus
)
ImportedFact = Annotated[AnyImported, Field(discriminator="kind")]


class ImportIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "facts": [
                        {
                            "import_id": "legacy-2024-000187",
                            "recorded_at": "2024-08-01T09:00:00+08:00",
                            "kind": "placed",
                            "student_id": "2f6c1d7e-8f0b-4d7e-9c1a-5b2e7a9d4c31",
                            "placement_id": "b8a1f3e2-6c4d-4e5f-8a7b-9c0d1e2f3a4b",
                            "fact": {
                                "employer_name": "Guangzhou Baiyun Electric Equipment Co., Ltd.",
                                "employer_credit_code": "91440101MA59UQ6X1D",
                                "employer_type": "state_owned",
                                "location": "east",
                                "related_to_training": True,
                                "monthly_wage": "5200.00",
                                "contract_type": "fixed_term",
                                "social_insurance": True,
                                "start_on": "2024-07-01",
                            },
                        },
                        {
                            "import_id": "legacy-2024-000188",
                            "recorded_at": "2024-10-05T09:00:00+08:00",
                            "kind": "retention_checked",
                            "placement_id": "b8a1f3e2-6c4d-4e5f-8a7b-9c0d1e2f3a4b",
                            "fact": {
                                "checkpoint_days": 90,
                                "still_employed": True,
                                "same_employer": True,
                                "occurred_on": "2024-10-01",
                                "evidence": "employer_confirmation",
                            },
                        },
                    ]
                }
            ]
        }
    )
    facts: list[ImportedFact] = Field(min_length=1, max_length=5000)


class ImportResult(BaseModel):
    import_id: str
    status_code: int = Field(description="What the same command would have answered over HTTP")
    body: dict[str, Any]


class ImportReport(BaseModel):
    results: list[ImportResult]


def _authorised(request: Request, token: str | None) -> None:
    expected: str | None = request.app.state.operator_token
    if expected is None or token is None or not hmac.compare_digest(token.encode(), expected.encode()):
        raise HTTPException(status_code=403, detail="operator token missing, wrong, or import not configured")


async def _import_one(request: Request, fact: AnyImported, received: datetime) -> ImportResult:
    runtime = runtime_of(request)
    try:
        if fact.recorded_at > received:
            raise InvalidFact(f"recorded_at {fact.recorded_at.isoformat()} is in the future")
        cmd = fact.command()

        async def command(uow: UnitOfWork) -> tuple[int, Any]:
            return (await handle(uow, cmd)).answer()

        status, body = await execute(
            runtime.pool,
            runtime.outbox,
            command,
            idempotency_key=f"import:{fact.import_id}",
            request_fingerprint=fingerprint(
                "IMPORT", "/admin/import", fact.model_dump(mode="json"), runtime.settings.national_id_key.encode()
            ),
        )
    except DomainError as refusal:
        status, body = refusal.status_code, {"code": refusal.code, "detail": refusal.detail}
    return ImportResult(import_id=fact.import_id, status_code=status, body=body)


@router.post(
    "/import",
    response_model=ImportReport,
    summary="Import facts from an older system (operator only: X-Operator-Token)",
    description="Facts run in recorded_at order through the same rules as live commands; each answers as its"
    " command would (201, 202 held, 404, 409, 422). 403 unless CYCLE_OPERATOR_TOKEN is set and matches.",
    responses={403: {"description": "No or wrong operator token, or no token configured"}},
)
async def post_import(
    body: ImportIn,
    request: Request,
    token: Annotated[str | None, Header(alias="X-Operator-Token")] = None,
) -> ImportReport:
    _authorised(request, token)
    received = now()
    ordered = sorted(body.facts, key=lambda f: f.recorded_at)
    return ImportReport(results=[await _import_one(request, fact, received) for fact in ordered])
