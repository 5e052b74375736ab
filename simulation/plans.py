"""How one student's facts are sent: which service records each, and what must be learned downstream first.

Training learns enrolments from Kafka and employment learns graduations, so a student's facts go in three runs
(recruitment, training, employment) with a wait between them. A withdrawal the school reported late, and every
fact after it, waits for the second wave, after every other student's facts (seed scenario: back-dated withdrawals).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulation import facts as f
from simulation.calls import EMPLOYMENT, RECRUITMENT, TRAINING
from simulation.scenario import EventCorrected, EventRetracted, Student


@dataclass(frozen=True, slots=True)
class StudentPlan:
    student: Student
    recruitment: tuple[Any, ...]
    training: tuple[Any, ...]  # sent in the first wave
    late_training: tuple[Any, ...]  # from a late-reported withdrawal on: the second wave
    employment: tuple[Any, ...]  # after the training runs, in the wave where training ends
    employment_expects: str  # the training status employment must have learned first

    @property
    def enrolled(self) -> bool:
        return bool(self.training or self.late_training or self.employment)

    @property
    def late(self) -> bool:
        return bool(self.late_training)


def _stage(fact: Any, by_key: dict[str, Any]) -> str:
    if isinstance(fact, EventCorrected | EventRetracted):
        return _stage(by_key[fact.target], by_key)
    return f.STAGE_OF[type(fact)]


def _expected_status(training: list[Any]) -> str:
    status = "enrolled"
    for fact in training:
        if isinstance(fact, f.Graduated):
            status = "graduated"
        elif isinstance(fact, f.Withdrawn):
            status = "withdrawn"
        elif isinstance(fact, f.Restarted):
            status = "enrolled"
    return status


def plan_student(student: Student) -> StudentPlan:
    by_key = {fact.key: fact for fact in student.facts}
    runs: dict[str, list[Any]] = {RECRUITMENT: [], TRAINING: [], EMPLOYMENT: []}
    for fact in student.facts:
        runs[_stage(fact, by_key)].append(fact)
    training = runs[TRAINING]
    split = next(
        (i for i, fact in enumerate(training) if isinstance(fact, f.Withdrawn) and fact.reported_late), len(training)
    )
    return StudentPlan(
        student,
        tuple(runs[RECRUITMENT]),
        tuple(training[:split]),
        tuple(training[split:]),
        tuple(runs[EMPLOYMENT]),
        _expected_status(training),
    )
