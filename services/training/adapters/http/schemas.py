"""Request bodies of training's commands, with OpenAPI examples; each turns itself into a command.

`command(...)` takes the ids in the path (a student, class or hours log). A body without `occurred_on` means the
day (Asia/Shanghai) it is recorded: the handler reads it from the pipeline's Context.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.training.application import commands
from shared.contracts.base import Evidence, Hours, Name, TaughtBy, Yuan
from shared.contracts.training import InternshipOutcome, Module, WithdrawalReason

PARTY = "6f1c1f9e-3a47-4f39-9d8e-2b7d0d6c5a10"
OTHER_PARTY = "0b8d5b7e-91a2-4c1e-8f0e-7a3e9c2d4b61"
CLASS = "2c9e7a51-7d1b-4f0e-9a63-5e8d1c4b2f70"
EvidenceField = Field(default=Evidence.SCHOOL_RECORD, description="What the fact rests on (DOMAIN.md, Events)")
C = TypeVar("C", bound=commands.Command)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")
    evidence: Evidence = EvidenceField

    def _build(self, kind: type[C], *, dated: str | None = None, **ids: UUID) -> C:
        """`kind` from the body's fields and the path `ids`; `dated` names the command's field for `occurred_on`.

        A field left out (None) takes the command's default (a generated id, the day of recording). The import's
        `type` and the path ids it carries (adapters/http/imports.py) are not body fields.
        """
        renamed = {"occurred_on": dated} if dated else {}
        values: dict[str, Any] = {
            renamed.get(name, name): value
            for name, value in self
            if value is not None and name != "type" and name not in ids
        }
        return kind(**values | ids)


MAX_MODULES = 500


class PlanIn(_In):
    modules: list[Module] = Field(
        min_length=1,
        max_length=MAX_MODULES,
        description=f"At most {MAX_MODULES}: a plan's fact must fit one Kafka record (a 60,000-module plan was"
        " stored, then dead-lettered by the relay, and held the event loop for a second)",
        examples=[
            [
                {"name": "Cantonese knife skills", "planned_hours": "120", "taught_by": "enterprise"},
                {"name": "Food safety", "planned_hours": "80", "taught_by": "school"},
            ]
        ],
    )
    occurred_on: date | None = Field(default=None, description="The day the plan was agreed", examples=["2025-03-03"])
    agreed_by: UUID | None = Field(default=None, examples=[PARTY])

    def command(self, class_id: UUID) -> commands.AgreePlan:
        return self._build(commands.AgreePlan, dated="agreed_on", class_id=class_id)


class HoursLogIn(_In):
    module: Name = Field(examples=["Cantonese knife skills"])
    hours: Hours = Field(examples=["6.5"])
    taught_by: TaughtBy = Field(examples=["enterprise"])
    logged_by: UUID = Field(description="The party that logs the hours", examples=[PARTY])
    occurred_on: date | None = Field(default=None, description="The day taught", examples=["2025-03-10"])
    log_id: UUID | None = Field(default=None, description="Given by an importing system; generated otherwise")

    def command(self, class_id: UUID) -> commands.LogHours:
        return self._build(commands.LogHours, dated="logged_on", class_id=class_id)


class VerificationIn(_In):
    hours_accepted: Decimal = Field(ge=0, max_digits=8, decimal_places=2, examples=["6.5"])
    verified_by: UUID = Field(description="A party other than the one that logged the hours", examples=[OTHER_PARTY])
    occurred_on: date | None = Field(default=None, examples=["2025-03-12"])

    def command(self, log_id: UUID) -> commands.VerifyHours:
        return self._build(commands.VerifyHours, dated="verified_on", log_id=log_id)


class ProgressReviewIn(_In):
    outcome: str = Field(min_length=1, max_length=2000, examples=["meets the module's practical standard"])
    on_track: bool = Field(default=True, examples=[True])
    occurred_on: date | None = Field(default=None, examples=["2025-04-01"])
    reviewed_by: UUID | None = Field(default=None, examples=[PARTY])

    def command(self, student_id: UUID) -> commands.HoldProgressReview:
        return self._build(commands.HoldProgressReview, dated="held_on", student_id=student_id)


class BreakIn(_In):
    start_on: date = Field(description="First day of the break", examples=["2025-05-06"])
    reason: str = Field(default="", max_length=500, examples=["family harvest"])

    def command(self, student_id: UUID) -> commands.StartBreak:
        return self._build(commands.StartBreak, student_id=student_id)


class BreakEndIn(_In):
    end_on: date = Field(description="First day back in learning", examples=["2025-05-20"])

    def command(self, student_id: UUID) -> commands.EndBreak:
        return self._build(commands.EndBreak, student_id=student_id)


class TransferIn(_In):
    to_class_id: UUID = Field(
        description="A class of this or another partnership: the student moves to it", examples=[CLASS]
    )
    start_on: date = Field(description="First day in the new class", examples=["2025-06-02"])

    def command(self, student_id: UUID) -> commands.TransferToClass:
        return self._build(commands.TransferToClass, student_id=student_id)


class RestartIn(_In):
    start_on: date = Field(description="First day of the new period", examples=["2025-09-01"])
    class_id: UUID | None = Field(default=None, description="Another class, of any partnership; default: same")

    def command(self, student_id: UUID) -> commands.Restart:
        return self._build(commands.Restart, student_id=student_id)


class WithdrawalIn(_In):
    last_day: date = Field(description="The last day in learning", examples=["2025-04-18"])
    reason: WithdrawalReason = Field(examples=["family"])

    def command(self, student_id: UUID) -> commands.Withdraw:
        return self._build(commands.Withdraw, student_id=student_id)


class GraduationIn(_In):
    graduated_on: date = Field(examples=["2025-07-04"])

    def command(self, student_id: UUID) -> commands.Graduate:
        return self._build(commands.Graduate, student_id=student_id)


class InternshipIn(_In):
    host_name: Name = Field(examples=["Guangzhou Restaurant Group"])
    host_credit_code: str | None = Field(default=None, max_length=64, examples=["91440101190442827X"])
    related_to_major: bool = Field(examples=[True])
    monthly_pay: Yuan = Field(examples=["2800.00"])
    start_on: date = Field(examples=["2025-05-12"])
    internship_id: UUID | None = Field(default=None, description="Given by an importing system; generated otherwise")

    def command(self, student_id: UUID) -> commands.StartInternship:
        return self._build(commands.StartInternship, student_id=student_id)


class InternshipEndIn(_In):
    outcome: InternshipOutcome = Field(examples=["completed"])
    end_on: date = Field(examples=["2025-06-30"])

    def command(self, student_id: UUID, internship_id: UUID) -> commands.EndInternship:
        return self._build(commands.EndInternship, student_id=student_id, internship_id=internship_id)


class CertificateIn(_In):
    name: Name = Field(examples=["Chinese cook (Cantonese cuisine)"])
    level: str | None = Field(
        default=None, max_length=100, description="Skill level; only a levelled one counts", examples=["level 4"]
    )
    issuer: Name = Field(examples=["Guangdong Human Resources and Social Security Department"])
    issuer_id: UUID | None = Field(default=None, examples=[OTHER_PARTY])
    awarded_on: date = Field(examples=["2025-06-20"])
    certificate_id: UUID | None = Field(default=None, description="Given by an importing system; generated otherwise")

    def command(self, student_id: UUID) -> commands.AwardCertificate:
        return self._build(commands.AwardCertificate, student_id=student_id)
