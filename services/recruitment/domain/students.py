"""The recruitment state machine of one application, and so of its student.

    submitted ──decide──> waitlisted | admitted | rejected   (decide again while not enrolled; the latest wins)
    admitted ──enrol──> enrolled ──cancel──> cancelled         (a student has at most one live enrolment)

The latest decision is ordered by occurred_on, recorded_at, then event id (DOMAIN.md, counting rules).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from services.recruitment.domain.classes import OrderedClass, ensure_open
from services.recruitment.domain.errors import DuplicateFact, IllegalMove, ImpossibleFact
from services.recruitment.domain.parties import Party, require_role
from shared.contracts.partnership import PartyRole
from shared.contracts.recruitment import (
    ApplicationDecided,
    ApplicationSubmitted,
    Decision,
    EmploymentIntentSigned,
    EnrollmentCancelled,
    StudentEnrolled,
)


class Phase(StrEnum):
    UNDECIDED = "undecided"
    WAITLISTED = "waitlisted"
    ADMITTED = "admitted"
    REJECTED = "rejected"
    ENROLLED = "enrolled"
    CANCELLED = "cancelled"


OPEN_PHASES = frozenset({Phase.UNDECIDED, Phase.WAITLISTED, Phase.ADMITTED, Phase.ENROLLED})


@dataclass(frozen=True)
class Decided:
    event_id: UUID
    decision: Decision
    occurred_on: date
    recorded_at: datetime


@dataclass(frozen=True)
class Enrolment:
    enrolment_id: UUID
    application_id: UUID
    student_id: UUID
    class_id: UUID
    partnership_id: UUID
    enrolled_on: date
    cancelled_on: date | None = None
    intent_signed: bool = False

    @property
    def live(self) -> bool:
        return self.cancelled_on is None


@dataclass(frozen=True)
class Application:
    application_id: UUID
    student_id: UUID
    class_id: UUID
    partnership_id: UUID
    applied_on: date
    decisions: tuple[Decided, ...] = ()
    enrolment: Enrolment | None = None

    @property
    def latest_decision(self) -> Decided | None:
        return latest_decision(self.decisions)

    @property
    def phase(self) -> Phase:
        if self.enrolment is not None:
            return Phase.ENROLLED if self.enrolment.live else Phase.CANCELLED
        latest = self.latest_decision
        return Phase.UNDECIDED if latest is None else Phase(latest.decision.value)


def latest_decision(decisions: Iterable[Decided]) -> Decided | None:
    return max(decisions, key=lambda d: (d.occurred_on, d.recorded_at, d.event_id), default=None)


def submit(
    ordered_class: OrderedClass, earlier: Iterable[Application], application: ApplicationSubmitted, on: date
) -> ApplicationSubmitted:
    """One open application per student and class; a rejected or cancelled one may be followed by a new one."""
    ensure_open(ordered_class, on)
    for other in earlier:
        if other.class_id == ordered_class.class_id and other.phase in OPEN_PHASES:
            raise DuplicateFact(
                f"the student already has application {other.application_id} ({other.phase.value})"
                f" to class {ordered_class.class_id}"
            )
    return application


def decide(application: Application, decision: Decision, reason: str, on: date) -> ApplicationDecided:
    if application.phase in (Phase.ENROLLED, Phase.CANCELLED):
        raise IllegalMove(
            f"application {application.application_id} is {application.phase.value}; its decision can no longer change"
        )
    if on < application.applied_on:
        raise ImpossibleFact(f"a decision on {on} precedes the application of {application.applied_on}")
    return ApplicationDecided(application_id=application.application_id, decision=decision, reason=reason)


def enrol(
    application: Application,
    ordered_class: OrderedClass,
    live_enrolment: Enrolment | None,
    students_in_class: int,
    start_on: date,
    planned_end_on: date,
    on: date,
) -> StudentEnrolled:
    """`live_enrolment` is the student's current enrolment in any class; `students_in_class` its live enrolments."""
    phase = application.phase
    if phase is Phase.ENROLLED:
        raise IllegalMove(f"application {application.application_id} is already enrolled")
    if phase is not Phase.ADMITTED:
        raise IllegalMove(f"application {application.application_id} is {phase.value}; only an admitted one enrols")
    if live_enrolment is not None:
        raise IllegalMove(f"the student is already enrolled in class {live_enrolment.class_id}")
    ensure_open(ordered_class, on)
    if students_in_class >= ordered_class.seats:
        raise IllegalMove(f"class {ordered_class.class_id} is full ({ordered_class.seats} seats)")
    check_dates(start_on, planned_end_on)
    admitted = application.latest_decision
    if admitted is not None and on < admitted.occurred_on:
        raise ImpossibleFact(f"an enrolment on {on} precedes the admission of {admitted.occurred_on}")
    return StudentEnrolled(application_id=application.application_id, start_on=start_on, planned_end_on=planned_end_on)


def check_dates(start_on: date, planned_end_on: date) -> None:
    """The dates of an enrolment, when it is recorded and after a correction."""
    if planned_end_on <= start_on:
        raise ImpossibleFact(f"planned_end_on {planned_end_on} is not after start_on {start_on}")


def current_enrolment(student_id: UUID, enrolment: Enrolment | None) -> Enrolment:
    """The student's live enrolment; cancelling, or signing an intent, needs one."""
    if enrolment is None or not enrolment.live:
        raise IllegalMove(f"student {student_id} is not enrolled")
    return enrolment


def cancel(enrolment: Enrolment, reason: str, on: date) -> EnrollmentCancelled:
    if not enrolment.live:
        raise IllegalMove(f"student {enrolment.student_id} is not enrolled")
    if on < enrolment.enrolled_on:
        raise ImpossibleFact(f"a cancellation on {on} precedes the enrolment of {enrolment.enrolled_on}")
    return EnrollmentCancelled(reason=reason)


def sign_employment_intent(enrolment: Enrolment, employer: Party, on: date) -> EmploymentIntentSigned:
    if not enrolment.live:
        raise IllegalMove(f"student {enrolment.student_id} is not enrolled")
    if enrolment.intent_signed:
        raise DuplicateFact(f"student {enrolment.student_id} already signed an employment intent for this enrolment")
    require_role(employer, PartyRole.ENTERPRISE, "the employer")
    if on < enrolment.enrolled_on:
        raise ImpossibleFact(f"an intent signed on {on} precedes the enrolment of {enrolment.enrolled_on}")
    return EmploymentIntentSigned(employer_id=employer.party_id)
