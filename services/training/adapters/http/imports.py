"""The facts of training's operator import (`POST /admin/import`; the route and its behaviour are shared).

One fact: `{"import_id": "...", "recorded_at": "<aware datetime>", "command": {"type": "<CommandName>", ...}}`,
where the command holds its route's body fields and its path ids (`class_id`, `log_id`, `student_id`,
`internship_id`; `event_id` for CorrectEvent and RetractEvent). Each runs through the same handler as its route,
with its original recorded_at, and the import carries on past a refused fact, answering each one
(shared/application/importing.py).
"""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter
from pydantic import Field

from services.training.adapters.http import schemas
from services.training.application import commands
from shared.web.corrections import CorrectEventIn, RetractEventIn
from shared.web.importing import ImportedFactIn, import_router


class AgreePlan(schemas.PlanIn):
    type: Literal["AgreePlan"]
    class_id: UUID

    def to_command(self) -> commands.AgreePlan:
        return self.command(self.class_id)


class LogHours(schemas.HoursLogIn):
    type: Literal["LogHours"]
    class_id: UUID

    def to_command(self) -> commands.LogHours:
        return self.command(self.class_id)


class VerifyHours(schemas.VerificationIn):
    type: Literal["VerifyHours"]
    log_id: UUID

    def to_command(self) -> commands.VerifyHours:
        return self.command(self.log_id)


class HoldProgressReview(schemas.ProgressReviewIn):
    type: Literal["HoldProgressReview"]
    student_id: UUID

    def to_command(self) -> commands.HoldProgressReview:
        return self.command(self.student_id)


class StartBreak(schemas.BreakIn):
    type: Literal["StartBreak"]
    student_id: UUID

    def to_command(self) -> commands.StartBreak:
        return self.command(self.student_id)


class EndBreak(schemas.BreakEndIn):
    type: Literal["EndBreak"]
    student_id: UUID

    def to_command(self) -> commands.EndBreak:
        return self.command(self.student_id)


class TransferToClass(schemas.TransferIn):
    type: Literal["TransferToClass"]
    student_id: UUID

    def to_command(self) -> commands.TransferToClass:
        return self.command(self.student_id)


class Restart(schemas.RestartIn):
    type: Literal["Restart"]
    student_id: UUID

    def to_command(self) -> commands.Restart:
        return self.command(self.student_id)


class Withdraw(schemas.WithdrawalIn):
    type: Literal["Withdraw"]
    student_id: UUID

    def to_command(self) -> commands.Withdraw:
        return self.command(self.student_id)


class Graduate(schemas.GraduationIn):
    type: Literal["Graduate"]
    student_id: UUID

    def to_command(self) -> commands.Graduate:
        return self.command(self.student_id)


class StartInternship(schemas.InternshipIn):
    type: Literal["StartInternship"]
    student_id: UUID

    def to_command(self) -> commands.StartInternship:
        return self.command(self.student_id)


class EndInternship(schemas.InternshipEndIn):
    type: Literal["EndInternship"]
    student_id: UUID
    internship_id: UUID

    def to_command(self) -> commands.EndInternship:
        return self.command(self.student_id, self.internship_id)


class AwardCertificate(schemas.CertificateIn):
    type: Literal["AwardCertificate"]
    student_id: UUID

    def to_command(self) -> commands.AwardCertificate:
        return self.command(self.student_id)


AnyCommand = Annotated[
    AgreePlan
    | LogHours
    | VerifyHours
    | HoldProgressReview
    | StartBreak
    | EndBreak
    | TransferToClass
    | Restart
    | Withdraw
    | Graduate
    | StartInternship
    | EndInternship
    | AwardCertificate
    | CorrectEventIn
    | RetractEventIn,
    Field(discriminator="type"),
]


class ImportedFact(ImportedFactIn):
    command: AnyCommand = Field(
        examples=[
            {"type": "Graduate", "student_id": "8a1f8c4e-6f0b-4b7e-9c55-1d2e3f4a5b6c", "graduated_on": "2019-07-04"}
        ]
    )

    def to_command(self) -> object:
        return self.command.to_command()


def imports_router() -> APIRouter:
    return import_router(ImportedFact)
