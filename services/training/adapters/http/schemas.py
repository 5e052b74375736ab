"""Request bodies of training's commands, with OpenAPI examples; each turns itself into a command.

`command(...)` takes the ids in the path (a student, class or hours log). A body without `occurred_on` means the
day (Asia/Shanghai) it is recorded: the handler reads it from the pipeline's Context.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.training.application import commands
from shared.contracts.base import Evidence, Hours, Name, TaughtBy, Yuan
from shared.contracts.training import InternshipOutcome, Module, WithdrawalReason

PARTY = "6f1c1f9e-3a47-4f39-9d8e-2b7d0d6c5a10"
OTHER_PARTY = "0b8d5b7e-91a2-4c1e-8f0e-7a3e9c2d4b61"
CLASS = "2c9e7a51-7d1b-4f0e-9a63-5e8d1c4b2f70"
EvidenceField = Field(default=Evidence.SCHOOL_RECORD, description="What the fact rests on (DOMAIN.md, Events)")


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")
    evidence: Evidence = EvidenceField


class PlanIn(_In):
    modules: list[Module] = Field(
        min_length=1,
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
        return commands.AgreePlan(
            class_id=class_id,
            modules=self.modules,
            agreed_on=self.occurred_on,
            agreed_by=self.agreed_by,
            evidence=self.evidence,
        )


class HoursLogIn(_In):
    module: Name = Field(examples=["Cantonese knife skills"])
    hours: Hours = Field(examples=["6.5"])
    taught_by: TaughtBy = Field(examples=["enterprise"])
    logged_by: UUID = Field(description="The party that logs the hours", examples=[PARTY])
    occurred_on: date | None = Field(default=None, description="The day taught", examples=["2025-03-10"])
    log_id: UUID | None = Field(default=None, description="Given by an importing system; generated otherwise")

    def command(self, class_id: UUID) -> commands.LogHours:
        return commands.LogHours(
            class_id=class_id,
            module=self.module,
            hours=self.hours,
            taught_by=self.taught_by,
            logged_by=self.logged_by,
            logged_on=self.occurred_on,
            evidence=self.evidence,
            **({"log_id": self.log_id} if self.log_id else {}),
        )


class VerificationIn(_In):
    hours_accepted: Decimal = Field(ge=0, max_digits=8, decimal_places=2, examples=["6.5"])
    verified_by: UUID = Field(description="A party other than the one that logged the hours", examples=[OTHER_PARTY])
    occurred_on: date | None = Field(default=None, examples=["2025-03-12"])

    def command(self, log_id: UUID) -> commands.VerifyHours:
        return commands.VerifyHours(
            log_id=log_id,
            hours_accepted=self.hours_accepted,
            verified_by=self.verified_by,
            verified_on=self.occurred_on,
            evidence=self.evidence,
        )


class ProgressReviewIn(_In):
    outcome: str = Field(min_length=1, max_length=2000, examples=["meets the module's practical standard"])
    on_track: bool = Field(default=True, examples=[True])
    occurred_on: date | None = Field(default=None, examples=["2025-04-01"])
    reviewed_by: UUID | None = Field(default=None, examples=[PARTY])

    def command(self, student_id: UUID) -> commands.HoldProgressReview:
        return commands.HoldProgressReview(
            student_id=student_id,
            held_on=self.occurred_on,
            outcome=self.outcome,
            on_track=self.on_track,
            reviewed_by=self.reviewed_by,
            evidence=self.evidence,
        )


class BreakIn(_In):
    start_on: date = Field(description="First day of the break", examples=["2025-05-06"])
    reason: str = Field(default="", max_length=500, examples=["family harvest"])

    def command(self, student_id: UUID) -> commands.StartBreak:
        return commands.StartBreak(
            student_id=student_id,
            start_on=self.start_on,
            reason=self.reason,
            evidence=self.evidence,
        )


class BreakEndIn(_In):
    end_on: date = Field(description="First day back in learning", examples=["2025-05-20"])

    def command(self, student_id: UUID) -> commands.EndBreak:
        return commands.EndBreak(student_id=student_id, end_on=self.end_on, evidence=self.evidence)


class TransferIn(_In):
    to_class_id: UUID = Field(description="A class of the same partnership", examples=[CLASS])
    start_on: date = Field(description="First day in the new class", examples=["2025-06-02"])

    def command(self, student_id: UUID) -> commands.TransferToClass:
        return commands.TransferToClass(
            student_id=student_id,
            to_class_id=self.to_class_id,
            start_on=self.start_on,
            evidence=self.evidence,
        )


class RestartIn(_In):
    start_on: date = Field(description="First day of the new period", examples=["2025-09-01"])
    class_id: UUID | None = Field(default=None, description="Another class of the same partnership; default: same")

    def command(self, student_id: UUID) -> commands.Restart:
        return commands.Restart(
            student_id=student_id,
            start_on=self.start_on,
            class_id=self.class_id,
            evidence=self.evidence,
        )


class WithdrawalIn(_In):
    last_day: date = Field(description="The last day in learning", examples=["2025-04-18"])
    reason: WithdrawalReason = Field(examples=["family"])

    def command(self, student_id: UUID) -> commands.Withdraw:
        return commands.Withdraw(
            student_id=student_id,
            last_day=self.last_day,
            reason=self.reason,
            evidence=self.evidence,
        )


class GraduationIn(_In):
    graduated_on: date = Field(examples=["2025-07-04"])

    def command(self, student_id: UUID) -> commands.Graduate:
        return commands.Graduate(student_id=student_id, graduated_on=self.graduated_on, evidence=self.evidence)


class InternshipIn(_In):
    host_name: Name = Field(examples=["Guangzhou Restaurant Group"])
    host_credit_code: str | None = Field(default=None, max_length=64, examples=["91440101190442827X"])
    related_to_major: bool = Field(examples=[True])
    monthly_pay: Yuan = Field(examples=["2800.00"])
    start_on: date = Field(examples=["2025-05-12"])
    internship_id: UUID | None = Field(default=None, description="Given by an importing system; generated otherwise")

    def command(self, student_id: UUID) -> commands.StartInternship:
        return commands.StartInternship(
            student_id=student_id,
            host_name=self.host_name,
            host_credit_code=self.host_credit_code,
            related_to_major=self.related_to_major,
            monthly_pay=self.monthly_pay,
            start_on=self.start_on,
            evidence=self.evidence,
            **({"internship_id": self.internship_id} if self.internship_id else {}),
        )


class InternshipEndIn(_In):
    outcome: InternshipOutcome = Field(examples=["completed"])
    end_on: date = Field(examples=["2025-06-30"])

    def command(self, student_id: UUID, internship_id: UUID) -> commands.EndInternship:
        return commands.EndInternship(
            student_id=student_id,
            internship_id=internship_id,
            outcome=self.outcome,
            end_on=self.end_on,
            evidence=self.evidence,
        )


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
        return commands.AwardCertificate(
            student_id=student_id,
            name=self.name,
            level=self.level,
            issuer=self.issuer,
            issuer_id=self.issuer_id,
            awarded_on=self.awarded_on,
            evidence=self.evidence,
            **({"certificate_id": self.certificate_id} if self.certificate_id else {}),
        )
