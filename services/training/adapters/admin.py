"""Operator-only import of facts from an older system, with their original recorded_at (DOMAIN.md, clocks).

Each fact runs through the same handler as its HTTP command, in its own transaction, with its import id as the
Idempotency-Key: importing the same list twice changes nothing. Facts run in recorded_at order (the order the
older system learned them; ties keep the list's order). The first refused fact stops the import, since later
facts may rest on it; after fixing it the operator sends the list again and the applied ones answer as before.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Header, HTTPException, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.training.adapters import schemas
from services.training.adapters.problems import problem
from services.training.commands import Command
from services.training.domain.errors import TrainingError
from services.training.handlers import handle
from shared.web.clock import now
from shared.web.errors import DomainError, InvalidFact
from shared.web.idempotency import fingerprint
from shared.web.runtime import runtime_of
from shared.web.unit_of_work import UnitOfWork, execute


class _Fact(BaseModel):
    model_config = ConfigDict(extra="forbid")
    import_id: str = Field(min_length=1, max_length=120, examples=["legacy-2019-000123"])
    recorded_at: AwareDatetime = Field(description="When the older system recorded the fact")
    target_id: UUID = Field(description="The student, class or hours log the fact is about (as in the HTTP path)")
    body: Any

    def command(self) -> Command:
        result: Command = self.body.to_command(self.target_id, recorded_at=self.recorded_at)
        return result


class PlanFact(_Fact):
    kind: Literal["plan_agreed"]
    body: schemas.PlanIn


class HoursLogFact(_Fact):
    kind: Literal["hours_logged"]
    body: schemas.HoursLogIn


class VerificationFact(_Fact):
    kind: Literal["hours_verified"]
    body: schemas.VerificationIn


class ReviewFact(_Fact):
    kind: Literal["progress_review_held"]
    body: schemas.ProgressReviewIn


class BreakFact(_Fact):
    kind: Literal["break_started"]
    body: schemas.BreakIn


class BreakEndFact(_Fact):
    kind: Literal["break_ended"]
    body: schemas.BreakEndIn


class TransferFact(_Fact):
    kind: Literal["transferred_to_class"]
    body: schemas.TransferIn


class RestartFact(_Fact):
    kind: Literal["restarted"]
    body: schemas.RestartIn


class WithdrawalFact(_Fact):
    kind: Literal["withdrawn"]
    body: schemas.WithdrawalIn


class GraduationFact(_Fact):
    kind: Literal["graduated"]
    body: schemas.GraduationIn


class InternshipFact(_Fact):
    kind: Literal["internship_started"]
    body: schemas.InternshipIn


class InternshipEndFact(_Fact):
    kind: Literal["internship_ended"]
    internship_id: UUID
    body: schemas.InternshipEndIn

    def command(self) -> Command:
        return self.body.to_command(self.target_id, self.internship_id, recorded_at=self.recorded_at)


class CertificateFact(_Fact):
    kind: Literal["certificate_awarded"]
    body: schemas.CertificateIn


ImportedFact = Annotated[
    PlanFact
    | HoursLogFact
    | VerificationFact
    | ReviewFact
    | BreakFact
    | BreakEndFact
    | TransferFact
    | RestartFact
    | WithdrawalFact
    | GraduationFact
    | InternshipFact
    | InternshipEndFact
    | CertificateFact,
    Field(discriminator="kind"),
]


class ImportIn(BaseModel):
    facts: list[ImportedFact] = Field(
        min_length=1,
        max_length=1000,
        examples=[
            [
                {
                    "import_id": "legacy-2019-000123",
                    "recorded_at": "2019-07-05T09:30:00+08:00",
                    "kind": "graduated",
                    "target_id": "8a1f8c4e-6f0b-4b7e-9c55-1d2e3f4a5b6c",
                    "body": {"graduated_on": "2019-07-04", "evidence": "school_record"},
                }
            ]
        ],
    )


class ImportResult(BaseModel):
    import_id: str
    outcome: Literal["applied", "refused", "skipped"]
    status: int | None = Field(description="The HTTP status the same command would have had")
    answer: dict[str, Any] | None


class ImportOut(BaseModel):
    results: list[ImportResult]
    applied: int
    complete: bool


async def _apply(request: Request, fact: _Fact) -> tuple[int, dict[str, Any]]:
    runtime = runtime_of(request)
    if fact.recorded_at > now():
        raise InvalidFact(f"recorded_at {fact.recorded_at} is in the future")
    command = fact.command()

    async def in_transaction(uow: UnitOfWork) -> tuple[int, Any]:
        return await handle(command, uow)

    status, answer = await execute(
        runtime.pool,
        runtime.outbox,
        in_transaction,
        idempotency_key=f"import:{fact.import_id}",
        request_fingerprint=fingerprint(
            "IMPORT", "/admin/import", fact.model_dump(mode="json"), runtime.settings.national_id_key.encode()
        ),
    )
    return status, answer


def admin_router(operator_token: str | None) -> APIRouter:
    router = APIRouter(prefix="/admin", tags=["operations"])

    @router.post(
        "/import",
        response_model=ImportOut,
        summary="Import facts from an older system with their original recorded_at (operators only)",
        responses={403: {"description": "Missing or wrong X-Operator-Token, or no token configured"}},
    )
    async def post_import(
        body: ImportIn,
        request: Request,
        token: Annotated[str | None, Header(alias="X-Operator-Token")] = None,
    ) -> ImportOut:
        # No configured token means nobody may import, whatever they send.
        if operator_token is None or token is None or not hmac.compare_digest(token, operator_token):
            raise HTTPException(status_code=403, detail="operator token required")
        results: list[ImportResult] = []
        refused = False
        for fact in sorted(body.facts, key=lambda f: f.recorded_at):
            if refused:
                results.append(ImportResult(import_id=fact.import_id, outcome="skipped", status=None, answer=None))
                continue
            try:
                status, answer = await _apply(request, fact)
            except (TrainingError, DomainError) as error:
                status, answer = problem(error)
                refused = True
            outcome: Literal["applied", "refused"] = "refused" if refused else "applied"
            results.append(ImportResult(import_id=fact.import_id, outcome=outcome, status=status, answer=answer))
        applied = sum(result.outcome == "applied" for result in results)
        return ImportOut(results=results, applied=applied, complete=not refused)

    return router
