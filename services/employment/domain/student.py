"""The student's state machine in the employment stage.

Training status comes only from events (domain/training.py); employment status from this service's own facts:

    graduated, not working --Placed--> placed --EmploymentEnded--> not working --Placed--> placed (a job change)
    placed --Placed--> placed (a later job, the end of the earlier one unreported: it becomes the current one)
    graduated, not working --FurtherStudyEntered--> in further study --Placed--> placed

The current placement is the standing one that started last; ending or reopening an earlier one leaves it so.

A student who is still in training has their offers, placements and further study HELD until the graduation
arrives; one who withdrew, or whose enrolment was cancelled, gets none (DOMAIN.md: jobs of withdrawn students
count nowhere). A retraction of one of these facts (DOMAIN.md: it removes the fact) moves the student back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from uuid import UUID

from services.employment.domain.errors import Contradiction, IllegalMove
from services.employment.domain.training import TrainingRecord, TrainingStatus
from shared.contracts.base import EventPayload
from shared.contracts.employment import EmploymentEnded, FurtherStudyEntered, Placed


class EmploymentStatus(StrEnum):
    NOT_WORKING = "not_working"
    PLACED = "placed"
    IN_FURTHER_STUDY = "in_further_study"


class Gate(StrEnum):
    APPLY = "apply"
    HOLD = "hold"


@dataclass(frozen=True)
class Placement:
    placement_id: UUID
    student_id: UUID
    start_on: date
    ended_on: date | None = None


@dataclass(frozen=True)
class Student:
    student_id: UUID
    partnership_id: UUID
    class_id: UUID | None
    training: TrainingStatus
    graduated_on: date | None = None
    withdrawn_last_day: date | None = None
    employment: EmploymentStatus = EmploymentStatus.NOT_WORKING
    current_placement_id: UUID | None = None
    last_job_ended_on: date | None = None

    def learned(self, record: TrainingRecord) -> Student:
        return replace(
            self,
            partnership_id=record.partnership_id,
            class_id=record.class_id,
            training=record.status,
            graduated_on=record.graduated_on,
            withdrawn_last_day=record.withdrawn_last_day,
        )


def new_student(student_id: UUID, record: TrainingRecord) -> Student:
    return Student(student_id, record.partnership_id, record.class_id, record.status).learned(record)


def gate(student: Student) -> Gate:
    """Whether a graduate-only fact (offer, answer, placement, further study) applies now or is held."""
    match student.training:
        case TrainingStatus.GRADUATED:
            return Gate.APPLY
        case TrainingStatus.ENROLLED:
            return Gate.HOLD
        case TrainingStatus.WITHDRAWN:
            raise IllegalMove(
                f"student {student.student_id} withdrew from training (last day {student.withdrawn_last_day}):"
                " jobs of withdrawn students count nowhere"
            )
        case TrainingStatus.CANCELLED:
            raise IllegalMove(f"the enrolment of student {student.student_id} was cancelled: it counts nowhere")


def require_graduate(student: Student) -> None:
    if gate(student) is Gate.HOLD:
        raise IllegalMove(f"student {student.student_id} has not graduated yet")


def require_enrolment(student: Student) -> None:
    """For facts of any student whose enrolment stands, graduate or not (household status)."""
    if student.training is TrainingStatus.CANCELLED:
        raise IllegalMove(f"the enrolment of student {student.student_id} was cancelled: it counts nowhere")


def evolve(student: Student, payload: EventPayload) -> Student:
    match payload:
        case Placed(placement_id=placement):
            return replace(student, employment=EmploymentStatus.PLACED, current_placement_id=placement)
        case FurtherStudyEntered():
            return replace(student, employment=EmploymentStatus.IN_FURTHER_STUDY, current_placement_id=None)
        case EmploymentEnded(last_day=day):
            return replace(
                student, employment=EmploymentStatus.NOT_WORKING, current_placement_id=None, last_job_ended_on=day
            )
    return student


def placement_retracted(student: Student, placement_id: UUID, latest: Placement | None) -> Student:
    """`latest`: the student's standing placement that started last, once this one is retracted."""
    if student.current_placement_id != placement_id:
        return student
    if latest is None or latest.ended_on is not None:
        return replace(student, employment=EmploymentStatus.NOT_WORKING, current_placement_id=None)
    return replace(student, employment=EmploymentStatus.PLACED, current_placement_id=latest.placement_id)


def ending_retracted(student: Student, placement_id: UUID, *, latest_job: bool) -> Student:
    """The placement is open again; it is the student's current job again if it is the latest one, unless the
    student has gone on to further study since it ended."""
    if not latest_job:
        return student
    if student.employment is EmploymentStatus.IN_FURTHER_STUDY:
        raise Contradiction(
            f"retracting this ending would reopen placement {placement_id} while the student is"
            f" {student.employment.value}: end or retract the current activity first"
        )
    return replace(student, employment=EmploymentStatus.PLACED, current_placement_id=placement_id)


def further_study_retracted(student: Student) -> Student:
    if student.employment is not EmploymentStatus.IN_FURTHER_STUDY:
        return student
    return replace(student, employment=EmploymentStatus.NOT_WORKING)
