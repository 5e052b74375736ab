"""The recruitment handlers wired to the shared pipeline over in-memory fakes, and a few steps that build a class."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from services.recruitment.app import SOURCE
from services.recruitment.application.commands.partnerships import (
    AdmitMember,
    OpenClass,
    RegisterParty,
    RegisterProgramme,
    SignPartnership,
)
from services.recruitment.application.commands.students import (
    Applicant,
    DecideApplication,
    EnrolStudent,
    SubmitApplication,
)
from services.recruitment.application.handlers import HANDLERS
from services.recruitment.domain.classes import OrderedClass
from services.recruitment.domain.identity import national_id_check_character
from services.recruitment.domain.partnerships import Partnership
from shared.application.clock import FixedClock
from shared.application.pipeline import Pipeline
from shared.contracts.base import Region
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import PartyRole
from shared.contracts.recruitment import Decision, PoorHouseholdVerification
from tests.unit.recruitment.builders import credit_code
from tests.unit.recruitment.fakes import FakeRecruitmentUnitOfWork

NOW = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)  # 2025-03-10 in Asia/Shanghai
_serials = itertools.count(1)


def national_id() -> str:
    first = f"52240120050101{next(_serials) % 1000:03d}"
    return first + national_id_check_character(first)


@dataclass
class Service:
    pipeline: Pipeline[FakeRecruitmentUnitOfWork]
    uow: FakeRecruitmentUnitOfWork

    async def do(self, command: object) -> dict[str, Any]:
        return dict((await self.pipeline.handle(command)).answer)

    @property
    def events(self) -> list[Envelope]:
        return self.uow.outbox.events


async def stored_class(s: Service, class_id: UUID) -> OrderedClass:
    stored = await s.uow.classes.get(class_id)
    assert stored is not None
    return stored


async def stored_partnership(s: Service, partnership_id: UUID) -> Partnership:
    stored = await s.uow.partnerships.get(partnership_id)
    assert stored is not None
    return stored


def service() -> Service:
    uow = FakeRecruitmentUnitOfWork()
    return Service(Pipeline(HANDLERS, lambda: uow, FixedClock(NOW), SOURCE), uow)


@dataclass(frozen=True)
class Setting:
    """A partnership with a school and a sponsor as members, a programme, and one open class."""

    partnership: UUID
    school: UUID
    sponsor: UUID
    programme: UUID
    klass: UUID


async def party(s: Service, role: PartyRole = PartyRole.SCHOOL) -> UUID:
    code = credit_code(next(_serials)) if role is PartyRole.ENTERPRISE else None
    registered = RegisterParty(name=f"{role} party", role=role, region=Region.WEST, locality="Bijie", credit_code=code)
    return UUID((await s.do(registered))["party_id"])


async def partnership(s: Service, **fields: Any) -> UUID:
    signed = SignPartnership.model_validate({"name": "Guangzhou-Bijie", "valid_from": date(2025, 1, 1), **fields})
    return UUID((await s.do(signed))["partnership_id"])


async def open_class(s: Service, pid: UUID, programme: UUID, school: UUID, sponsor: UUID, seats: int = 2) -> UUID:
    opened = OpenClass(
        partnership_id=pid,
        programme_id=programme,
        school_id=school,
        sponsor_id=sponsor,
        name="ordered class",
        major="welding",
        seats=seats,
        cohort_year=2025,
        planned_start=date(2025, 9, 1),
        planned_end=date(2027, 6, 30),
        hiring_commitment=seats,
        occurred_on=date(2025, 3, 1),
    )
    return UUID((await s.do(opened))["class_id"])


async def setting(s: Service, seats: int = 2) -> Setting:
    school, sponsor = await party(s), await party(s, PartyRole.ENTERPRISE)
    pid = await partnership(s)
    for member in (school, sponsor):
        await s.do(AdmitMember(partnership_id=pid, party_id=member, occurred_on=date(2025, 1, 2)))
    programme = UUID((await s.do(RegisterProgramme(partnership_id=pid, name="Guangdong Technicians")))["programme_id"])
    return Setting(pid, school, sponsor, programme, await open_class(s, pid, programme, school, sponsor, seats))


def application(class_id: UUID, nid: str | None = None, name: str = "王小明") -> SubmitApplication:
    return SubmitApplication(
        class_id=class_id,
        applicant=Applicant(name=name, national_id=nid or national_id(), household_registration="贵州省毕节市"),
        home_region="Bijie",
        poor_household=True,
        poor_household_verified_by=PoorHouseholdVerification.POVERTY_REGISTRY,
        prior_education="junior secondary",
        channel="village recruitment fair",
        occurred_on=date(2025, 3, 2),
    )


async def apply(s: Service, class_id: UUID) -> UUID:
    return UUID((await s.do(application(class_id)))["application_id"])


async def decide(s: Service, application_id: UUID, decision: Decision = Decision.ADMITTED) -> dict[str, Any]:
    return await s.do(DecideApplication(application_id=application_id, decision=decision, occurred_on=date(2025, 3, 3)))


def enrolment(application_id: UUID) -> EnrolStudent:
    return EnrolStudent(
        application_id=application_id,
        start_on=date(2025, 9, 1),
        planned_end_on=date(2027, 6, 30),
        occurred_on=date(2025, 3, 4),
    )


async def enrolled_student(s: Service, class_id: UUID) -> dict[str, Any]:
    application_id = await apply(s, class_id)
    await decide(s, application_id)
    return {"application_id": str(application_id), **await s.do(enrolment(application_id))}
