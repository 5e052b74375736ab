"""What a correction or a retraction of one of employment's own events changes in its records and its students.

The EventCorrected or EventRetracted itself is made by shared/application/follow_ups.py (a new event, never an
edit); these hooks keep the records in step, so a corrected start moves the checks due, a corrected credit code
re-decides the relation, and (DOMAIN.md) a retraction removes the fact and every fact that refers to it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from services.employment.application.unit_of_work import EmploymentUnitOfWork
from services.employment.domain import student as states
from services.employment.domain.errors import Contradiction, ImpossibleFact
from services.employment.domain.partnership import decide_relation, normalize_code
from services.employment.domain.student import Student
from shared.contracts.corrections import EventCorrected
from shared.contracts.employment import EmploymentEnded, FurtherStudyEntered, Placed, RetentionChecked
from shared.contracts.envelope import Envelope

_IDS = frozenset({"offer_id", "placement_id"})


async def on_corrected(uow: EmploymentUnitOfWork, target: Envelope, correction: Envelope) -> None:
    if not isinstance(correction.data, EventCorrected):
        return
    fields = dict(correction.data.fields)
    if _IDS & set(fields):
        raise Contradiction("an id cannot be corrected: retract the event and send the fact again")
    corrected = type(target.data).model_validate({**target.data_json(), **fields})
    values: dict[str, Any] = {name: getattr(corrected, name) for name in fields}
    match corrected:
        case Placed():
            values.pop("relation", None)  # the credit code decides it, never a flag (DOMAIN.md)
            if {"employer_credit_code", "start_on"} & set(fields):
                employers = await uow.partnerships.employers(target.partnership_id, target.class_id)
                values["employer_credit_code"] = normalize_code(corrected.employer_credit_code)
                values["relation"] = decide_relation(
                    corrected.employer_credit_code,
                    employers.sponsor_credit_code,
                    employers.partners,
                    corrected.start_on,
                )
        case RetentionChecked(checkpoint_days=days):
            checkpoints = await uow.partnerships.checkpoints(target.partnership_id)
            if days not in checkpoints:
                raise ImpossibleFact(f"{days} days is not a check-point; they are {list(checkpoints)}")
    await uow.records.correct(target, values)


async def on_retracted(uow: EmploymentUnitOfWork, target: Envelope) -> None:
    match target.data:
        case Placed(placement_id=placement_id):
            student = await _student(uow, target)
            await uow.records.retract(target)
            latest = await uow.placements.latest(student.student_id)
            await _save(uow, states.placement_retracted(student, placement_id, latest))
        case EmploymentEnded(placement_id=placement_id):
            if await uow.placements.get(placement_id) is None:
                return  # the placement itself was retracted: nothing to reopen
            student = await _student(uow, target)
            latest = await uow.placements.latest(student.student_id)
            reopened = states.ending_retracted(
                student, placement_id, latest_job=latest is not None and latest.placement_id == placement_id
            )
            await uow.records.retract(target)
            await _save(uow, reopened)
        case FurtherStudyEntered():
            await uow.records.retract(target)
            await _save(uow, states.further_study_retracted(await _student(uow, target)))
        case EventCorrected():
            raise Contradiction("a correction is not retracted: send another correction with the right values")
        case _:
            await uow.records.retract(target)


async def _student(uow: EmploymentUnitOfWork, target: Envelope) -> Student:
    student = await uow.students.get(target.student_id, lock=True) if target.student_id else None
    if student is None:
        raise Contradiction(f"event {target.id} names no student employment knows")
    return student


async def _save(uow: EmploymentUnitOfWork, student: Student) -> None:
    """With the last day of the placements that still stand, which the next placement must start after."""
    last_day = await uow.placements.last_job_ended_on(student.student_id)
    await uow.students.save(replace(student, last_job_ended_on=last_day))
