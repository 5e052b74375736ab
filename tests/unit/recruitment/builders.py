"""Domain objects with sensible defaults, each with its own ids."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID, uuid4

from services.recruitment.domain.classes import ClassPlan, OrderedClass, Programme
from services.recruitment.domain.identity import credit_code_check_character
from services.recruitment.domain.parties import Party
from services.recruitment.domain.partnerships import Partnership
from services.recruitment.domain.students import Application, Decided, Enrolment
from shared.contracts.base import Region
from shared.contracts.partnership import PartnershipKind, PartyRole
from shared.contracts.recruitment import Decision

DAY = date(2025, 3, 1)


def credit_code(serial: int = 1) -> str:
    first = f"914401017{serial:08d}"
    return first + credit_code_check_character(first)


def party(role: PartyRole = PartyRole.SCHOOL, *, code: str | None = None) -> Party:
    if role is PartyRole.ENTERPRISE and code is None:
        code = credit_code()
    return Party(uuid4(), f"{role.value} party", role, Region.WEST, "Bijie", code)


def partnership(
    kind: PartnershipKind = PartnershipKind.PARTNERSHIP, *, ended_on: date | None = None, until: date | None = None
) -> Partnership:
    return Partnership(uuid4(), "Guangzhou-Bijie", kind, date(2025, 1, 1), until, None, (90, 180, 365), ended_on)


def plan(seats: int = 2, hiring: int = 2) -> ClassPlan:
    return ClassPlan(
        class_id=uuid4(),
        name="ordered class",
        major="welding",
        seats=seats,
        cohort_year=2025,
        planned_start=date(2025, 9, 1),
        planned_end=date(2027, 6, 30),
        hiring_commitment=hiring,
    )


def programme_of(owner: Partnership) -> Programme:
    return Programme(uuid4(), owner.partnership_id)


def ordered_class(seats: int = 2, closed_on: date | None = None) -> OrderedClass:
    return OrderedClass(uuid4(), uuid4(), uuid4(), seats, date(2025, 2, 1), closed_on)


def decided(decision: Decision, on: date = DAY, at: datetime | None = None, event_id: UUID | None = None) -> Decided:
    return Decided(event_id or uuid4(), decision, on, at or datetime(2025, 3, 1, 9, tzinfo=UTC))


def application(
    *decisions: Decided, klass: OrderedClass | None = None, enrolment: Enrolment | None = None
) -> Application:
    klass = klass or ordered_class()
    return Application(uuid4(), uuid4(), klass.class_id, klass.partnership_id, DAY, tuple(decisions), enrolment)


def enrolment(app: Application, *, cancelled_on: date | None = None, intent: bool = False) -> Enrolment:
    return Enrolment(
        uuid4(), app.application_id, app.student_id, app.class_id, app.partnership_id, DAY, cancelled_on, intent
    )
