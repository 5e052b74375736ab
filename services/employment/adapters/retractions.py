"""What a retraction of one of employment's own events undoes in its records (shared retract's hook).

DOMAIN.md: a retraction removes the fact and every fact that refers to it; to restore a fact, send it again.
"""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

import asyncpg

from services.employment.adapters.db import Students
from services.employment.domain.student import EmploymentStatus, Student
from shared.contracts.corrections import EventCorrected
from shared.contracts.employment import (
    EmploymentEnded,
    FurtherStudyEntered,
    HouseholdStatusUpdated,
    JobOffered,
    OfferAccepted,
    OfferDeclined,
    Placed,
    RetentionChecked,
)
from shared.contracts.envelope import Envelope
from shared.errors import Conflict


async def _last_job_ended_on(conn: asyncpg.Connection, student: Student) -> Student:
    last = await conn.fetchval(
        "SELECT max(last_day) FROM placements WHERE student_id = $1 AND NOT retracted", student.student_id
    )
    return replace(student, last_job_ended_on=last)


async def _student(conn: asyncpg.Connection, target: Envelope) -> Student:
    student = await Students(conn).get(target.student_id, lock=True) if target.student_id else None
    if student is None:
        raise Conflict(f"event {target.id} names no student employment knows")
    return student


async def _placement_retracted(conn: asyncpg.Connection, target: Envelope, placement_id: UUID) -> None:
    await conn.execute("UPDATE placements SET retracted = true WHERE placement_id = $1", placement_id)
    await conn.execute("UPDATE retention_checks SET retracted = true WHERE placement_id = $1", placement_id)
    student = await _student(conn, target)
    if student.current_placement_id == placement_id:
        student = replace(student, employment=EmploymentStatus.NOT_WORKING, current_placement_id=None)
    await Students(conn).save(await _last_job_ended_on(conn, student))


async def _ending_retracted(conn: asyncpg.Connection, target: Envelope, placement_id: UUID) -> None:
    if await conn.fetchval("SELECT retracted FROM placements WHERE placement_id = $1", placement_id):
        return
    student = await _student(conn, target)
    if student.employment is not EmploymentStatus.NOT_WORKING:
        raise Conflict(
            f"retracting this ending would reopen placement {placement_id} while the student is"
            f" {student.employment.value}: end or retract the current activity first"
        )
    await conn.execute(
        "UPDATE placements SET last_day = NULL, end_reason = NULL, ended_event_id = NULL WHERE placement_id = $1",
        placement_id,
    )
    reopened = replace(student, employment=EmploymentStatus.PLACED, current_placement_id=placement_id)
    await Students(conn).save(await _last_job_ended_on(conn, reopened))


async def _study_retracted(conn: asyncpg.Connection, target: Envelope) -> None:
    await conn.execute("UPDATE further_studies SET retracted = true WHERE event_id = $1", target.id)
    student = await _student(conn, target)
    if student.employment is EmploymentStatus.IN_FURTHER_STUDY:
        await Students(conn).save(replace(student, employment=EmploymentStatus.NOT_WORKING))


async def undo(conn: asyncpg.Connection, target: Envelope) -> None:
    match target.data:
        case Placed(placement_id=placement_id):
            await _placement_retracted(conn, target, placement_id)
        case EmploymentEnded(placement_id=placement_id):
            await _ending_retracted(conn, target, placement_id)
        case FurtherStudyEntered():
            await _study_retracted(conn, target)
        case JobOffered(offer_id=offer_id):
            await conn.execute("UPDATE offers SET retracted = true WHERE offer_id = $1", offer_id)
        case OfferAccepted(offer_id=offer_id) | OfferDeclined(offer_id=offer_id):
            await conn.execute(
                "UPDATE offers SET status = 'offered', answered_on = NULL, decline_reason = NULL,"
                " answer_event_id = NULL WHERE offer_id = $1 AND answer_event_id = $2",
                offer_id,
                target.id,
            )
        case RetentionChecked():
            await conn.execute("UPDATE retention_checks SET retracted = true WHERE check_id = $1", target.id)
        case HouseholdStatusUpdated():
            await conn.execute("UPDATE household_updates SET retracted = true WHERE event_id = $1", target.id)
        case EventCorrected():
            raise Conflict("a correction is not retracted: send another correction with the right values")
