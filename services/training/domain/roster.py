"""The roster training learns from other stages' events, and the rule for facts that arrive before their antecedent.

Held facts (issue 4: "held or accepted by a documented rule, never lost"):
- ClassOpened and StudentEnrolled travel on different topics, so training may read an enrolment before its class.
  Such an enrolment (and a ClassClosed of a class not opened yet) is held, waiting for the class; it is applied,
  in the order it was held, in the transaction that applies the ClassOpened.
- An EnrollmentCancelled, or a correction of an enrolment, for a student training has not learned yet is held,
  waiting for the student; it is applied right after the StudentEnrolled it follows.
- A retraction of a held fact removes the held fact: it will never apply.
- A held fact that is refused when its antecedent arrives stays held, with the reason, for an operator to see.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from uuid import UUID

from services.training.domain.errors import Contradiction, ImpossibleFact
from services.training.domain.learner import ClassRef, Learner, Phase


class WaitsFor(StrEnum):
    CLASS = "class"
    STUDENT = "student"


@dataclass(frozen=True)
class Held:
    waits_for: WaitsFor
    waits_for_id: UUID


@dataclass(frozen=True)
class Enrolment:
    event_id: UUID
    student_id: UUID
    class_id: UUID
    partnership_id: UUID
    start_on: date
    planned_end_on: date


def enrol(existing: Learner | None, classroom: ClassRef | None, enrolment: Enrolment) -> Learner | Held:
    """The learner a StudentEnrolled makes, or where it must wait; a cancelled learner may enrol again."""
    if classroom is None:
        return Held(WaitsFor.CLASS, enrolment.class_id)
    if classroom.partnership_id != enrolment.partnership_id:
        raise Contradiction(
            f"class {classroom.class_id} belongs to partnership {classroom.partnership_id},"
            f" not {enrolment.partnership_id}"
        )
    if enrolment.planned_end_on < enrolment.start_on:
        raise ImpossibleFact(f"planned_end_on {enrolment.planned_end_on} is before start_on {enrolment.start_on}")
    if existing is not None and existing.phase is not Phase.CANCELLED:
        raise Contradiction(f"student {enrolment.student_id} is already enrolled (event {existing.enrolment_event_id})")
    return Learner(
        student_id=enrolment.student_id,
        partnership_id=enrolment.partnership_id,
        class_id=enrolment.class_id,
        phase=Phase.ACTIVE,
        first_start_on=enrolment.start_on,
        period_start_on=enrolment.start_on,
        planned_end_on=enrolment.planned_end_on,
        enrolment_event_id=enrolment.event_id,
    )


def cancel(learner: Learner) -> Learner:
    """A cancelled enrolment counts nowhere (DOMAIN.md); whatever training recorded stays in its log."""
    if learner.phase is Phase.CANCELLED:
        raise Contradiction(f"the enrolment of student {learner.student_id} is already cancelled")
    return replace(learner, phase=Phase.CANCELLED, break_start_on=None)


def correct_enrolment(learner: Learner, start_on: date | None, planned_end_on: date | None) -> Learner:
    """A corrected StudentEnrolled moves the first start, and the current period's start while it is the first."""
    first_start = start_on or learner.first_start_on
    in_first_period = learner.period_start_on == learner.first_start_on
    return replace(
        learner,
        first_start_on=first_start,
        period_start_on=first_start if in_first_period else learner.period_start_on,
        planned_end_on=planned_end_on or learner.planned_end_on,
    )
