"""Undoing this service's own state when one of its facts is retracted (DOMAIN.md: retractions).

A retraction removes the fact and every fact that refers to it. Facts others build on (a class with applications,
an application with an enrolment) are refused with a 409 until what refers to them is retracted first, so every
downstream service learns each removal from an event about a fact it knows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from uuid import UUID

import asyncpg

from services.recruitment.handlers.partnerships import refold_terms
from shared.contracts.envelope import Envelope
from shared.web.errors import Conflict

Undo = Callable[[asyncpg.Connection, Envelope], Awaitable[None]]


async def _refuse_if(conn: asyncpg.Connection, sql: str, key: UUID, why: str) -> None:
    if await conn.fetchval(f"SELECT EXISTS ({sql})", key):
        raise Conflict(why)


async def _partnership_signed(conn: asyncpg.Connection, event: Envelope) -> None:
    pid = event.partnership_id
    for table in ("memberships", "programmes", "classes", "targets", "funding"):
        await _refuse_if(
            conn,
            f"SELECT 1 FROM {table} WHERE partnership_id = $1 AND NOT retracted",
            pid,
            f"partnership {pid} still has {table}; retract them first",
        )
    await _refuse_if(
        conn,
        "SELECT 1 FROM partnerships WHERE parent_id = $1 AND NOT retracted",
        pid,
        f"partnership {pid} is the parent of others; amend or retract them first",
    )
    await conn.execute("UPDATE partnerships SET retracted = true WHERE partnership_id = $1", pid)


async def _partnership_amended(conn: asyncpg.Connection, event: Envelope) -> None:
    await conn.execute("UPDATE partnership_amendments SET retracted = true WHERE event_id = $1", event.id)
    await refold_terms(conn, event.partnership_id)


async def _partnership_ended(conn: asyncpg.Connection, event: Envelope) -> None:
    await conn.execute(
        "UPDATE partnerships SET ended_on = NULL, end_reason = NULL, ended_event_id = NULL WHERE ended_event_id = $1",
        event.id,
    )


async def _member_joined(conn: asyncpg.Connection, event: Envelope) -> None:
    await conn.execute("UPDATE memberships SET retracted = true WHERE joined_event_id = $1", event.id)


async def _member_left(conn: asyncpg.Connection, event: Envelope) -> None:
    try:
        await conn.execute(
            "UPDATE memberships SET left_on = NULL, left_reason = NULL, left_event_id = NULL WHERE left_event_id = $1",
            event.id,
        )
    except asyncpg.UniqueViolationError as error:
        raise Conflict(f"party {event.party_id} has joined again since; retract that first") from error


async def _programme_registered(conn: asyncpg.Connection, event: Envelope) -> None:
    await _refuse_if(
        conn,
        "SELECT 1 FROM classes c JOIN programmes p USING (programme_id) WHERE p.event_id = $1 AND NOT c.retracted",
        event.id,
        "classes were opened under this programme; retract them first",
    )
    await conn.execute("UPDATE programmes SET retracted = true WHERE event_id = $1", event.id)


async def _class_opened(conn: asyncpg.Connection, event: Envelope) -> None:
    await _refuse_if(
        conn,
        "SELECT 1 FROM applications a JOIN classes c USING (class_id) WHERE c.opened_event_id = $1 AND NOT a.retracted",
        event.id,
        f"class {event.class_id} has applications; retract them first",
    )
    await conn.execute("UPDATE classes SET retracted = true WHERE opened_event_id = $1", event.id)


async def _class_closed(conn: asyncpg.Connection, event: Envelope) -> None:
    await conn.execute(
        "UPDATE classes SET closed_on = NULL, closed_event_id = NULL WHERE closed_event_id = $1", event.id
    )


def _mark(table: str, column: str = "event_id") -> Undo:
    async def undo(conn: asyncpg.Connection, event: Envelope) -> None:
        await conn.execute(f"UPDATE {table} SET retracted = true WHERE {column} = $1", event.id)

    return undo


async def _application_submitted(conn: asyncpg.Connection, event: Envelope) -> None:
    await _refuse_if(
        conn,
        "SELECT 1 FROM enrolments e JOIN applications a USING (application_id) WHERE a.event_id = $1"
        " AND NOT e.retracted",
        event.id,
        "the application led to an enrolment; retract the enrolment first",
    )
    await conn.execute(
        "UPDATE decisions SET retracted = true WHERE application_id = (SELECT application_id FROM applications"
        " WHERE event_id = $1)",
        event.id,
    )
    await conn.execute("UPDATE applications SET retracted = true WHERE event_id = $1", event.id)


async def _application_decided(conn: asyncpg.Connection, event: Envelope) -> None:
    await _refuse_if(
        conn,
        "SELECT 1 FROM enrolments e JOIN decisions d USING (application_id) WHERE d.event_id = $1 AND NOT e.retracted",
        event.id,
        "the application was enrolled on this decision; retract the enrolment first",
    )
    await conn.execute("UPDATE decisions SET retracted = true WHERE event_id = $1", event.id)


async def _student_enrolled(conn: asyncpg.Connection, event: Envelope) -> None:
    await conn.execute("UPDATE employment_intents SET retracted = true WHERE enrolment_id = $1", event.id)
    await conn.execute("UPDATE enrolments SET retracted = true WHERE enrolment_id = $1", event.id)


async def _enrolment_cancelled(conn: asyncpg.Connection, event: Envelope) -> None:
    try:
        await conn.execute(
            "UPDATE enrolments SET cancelled_on = NULL, cancel_reason = NULL, cancelled_event_id = NULL"
            " WHERE cancelled_event_id = $1",
            event.id,
        )
    except asyncpg.UniqueViolationError as error:
        raise Conflict(f"student {event.student_id} is enrolled elsewhere now; cancel that first") from error


async def _exclusion_revoked(conn: asyncpg.Connection, event: Envelope) -> None:
    try:
        await conn.execute(
            "UPDATE exclusions SET revoked_on = NULL, revoked_event_id = NULL WHERE revoked_event_id = $1", event.id
        )
    except asyncpg.UniqueViolationError as error:
        raise Conflict(f"student {event.student_id} has been excluded again since; retract that first") from error


UNDO: dict[str, Undo] = {
    "PartnershipSigned": _partnership_signed,
    "PartnershipAmended": _partnership_amended,
    "PartnershipEnded": _partnership_ended,
    "MemberJoined": _member_joined,
    "MemberLeft": _member_left,
    "TargetSet": _mark("targets"),
    "ProgrammeRegistered": _programme_registered,
    "ClassOpened": _class_opened,
    "ClassClosed": _class_closed,
    "FundingRecorded": _mark("funding"),
    "ApplicationSubmitted": _application_submitted,
    "ApplicationDecided": _application_decided,
    "StudentEnrolled": _student_enrolled,
    "EmploymentIntentSigned": _mark("employment_intents"),
    "EnrollmentCancelled": _enrolment_cancelled,
    "ExclusionApplied": _mark("exclusions"),
    "ExclusionRevoked": _exclusion_revoked,
}


async def on_retracted(conn: asyncpg.Connection, event: Envelope) -> None:
    """Corrections carry no state of ours, so retracting one changes nothing here."""
    undo = UNDO.get(event.type)
    if undo is not None:
        await undo(conn, event)
