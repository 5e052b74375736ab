"""Tables of the stage's records: plans, hours logs and verifications, breaks, internships, certificates, reviews.

A retracted record is flagged, never deleted: the read side shows it as retracted and every figure skips it.
"""

from __future__ import annotations

import json
from datetime import datetime
from uuid import UUID

import asyncpg

from services.training.domain.records import Internship
from services.training.domain.teaching import HoursLog
from shared.contracts.base import TaughtBy
from shared.contracts.envelope import Envelope
from shared.contracts.training import (
    BreakEnded,
    BreakStarted,
    CertificateAwarded,
    InternshipEnded,
    InternshipStarted,
    ProgressReviewHeld,
    TrainingHoursLogged,
    TrainingHoursVerified,
    TrainingPlanAgreed,
)

# The record each retractable event type wrote: (table, column holding the event id).
RECORD_OF: dict[str, tuple[str, str]] = {
    "TrainingPlanAgreed": ("plans", "event_id"),
    "TrainingHoursLogged": ("hours_logs", "event_id"),
    "TrainingHoursVerified": ("hours_verifications", "event_id"),
    "ProgressReviewHeld": ("progress_reviews", "event_id"),
    "BreakStarted": ("breaks", "event_id"),
    "InternshipStarted": ("internships", "event_id"),
    "CertificateAwarded": ("certificates", "event_id"),
}


async def current_plan_modules(conn: asyncpg.Connection, class_id: UUID) -> list[str] | None:
    modules = await conn.fetchval(
        "SELECT modules::text FROM plans WHERE class_id = $1 AND NOT retracted ORDER BY agreed_on DESC, seq DESC"
        " LIMIT 1",
        class_id,
    )
    return None if modules is None else [module["name"] for module in json.loads(modules)]


async def add_plan(conn: asyncpg.Connection, envelope: Envelope, plan: TrainingPlanAgreed) -> None:
    await conn.execute(
        "INSERT INTO plans (event_id, class_id, modules, planned_hours, enterprise_share, agreed_on, agreed_by,"
        " recorded_at) VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8)",
        envelope.id,
        envelope.class_id,
        json.dumps([module.model_dump(mode="json") for module in plan.modules]),
        plan.planned_hours,
        plan.enterprise_share,
        envelope.occurred_on,
        envelope.party_id,
        envelope.recorded_at,
    )


async def add_hours_log(conn: asyncpg.Connection, envelope: Envelope, logged: TrainingHoursLogged) -> bool:
    inserted = await conn.fetchval(
        "INSERT INTO hours_logs (log_id, event_id, class_id, module, hours, taught_by, logged_by, logged_on)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (log_id) DO NOTHING RETURNING true",
        logged.log_id,
        envelope.id,
        envelope.class_id,
        logged.module,
        logged.hours,
        logged.taught_by.value,
        logged.logged_by,
        envelope.occurred_on,
    )
    return bool(inserted)


async def hours_log(conn: asyncpg.Connection, log_id: UUID) -> HoursLog | None:
    row = await conn.fetchrow(
        "SELECT log_id, class_id, hours, taught_by, logged_by, logged_on, retracted FROM hours_logs"
        " WHERE log_id = $1 FOR UPDATE",
        log_id,
    )
    if row is None:
        return None
    return HoursLog(**{**dict(row), "taught_by": TaughtBy(row["taught_by"])})


async def add_verification(
    conn: asyncpg.Connection, envelope: Envelope, verified: TrainingHoursVerified, recorded_at: datetime
) -> None:
    await conn.execute(
        "INSERT INTO hours_verifications (event_id, log_id, hours_accepted, verified_by, verified_on, recorded_at)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        envelope.id,
        verified.log_id,
        verified.hours_accepted,
        verified.verified_by,
        envelope.occurred_on,
        recorded_at,
    )


async def add_review(conn: asyncpg.Connection, envelope: Envelope, review: ProgressReviewHeld) -> None:
    await conn.execute(
        "INSERT INTO progress_reviews (event_id, student_id, class_id, held_on, outcome, on_track)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        envelope.id,
        envelope.student_id,
        envelope.class_id,
        envelope.occurred_on,
        review.outcome,
        review.on_track,
    )


async def add_break(conn: asyncpg.Connection, envelope: Envelope, started: BreakStarted) -> None:
    await conn.execute(
        "INSERT INTO breaks (event_id, student_id, class_id, start_on, reason) VALUES ($1, $2, $3, $4, $5)",
        envelope.id,
        envelope.student_id,
        envelope.class_id,
        started.start_on,
        started.reason,
    )


async def end_break(conn: asyncpg.Connection, envelope: Envelope, ended: BreakEnded) -> None:
    await conn.execute(
        "UPDATE breaks SET end_on = $2, end_event_id = $3 WHERE student_id = $1 AND end_on IS NULL AND NOT retracted",
        envelope.student_id,
        ended.end_on,
        envelope.id,
    )


async def reopen_break(conn: asyncpg.Connection, end_event_id: UUID) -> None:
    await conn.execute("UPDATE breaks SET end_on = NULL, end_event_id = NULL WHERE end_event_id = $1", end_event_id)


async def open_internships(conn: asyncpg.Connection, student_id: UUID) -> int:
    count: int = await conn.fetchval(
        "SELECT count(*) FROM internships WHERE student_id = $1 AND end_on IS NULL AND NOT retracted", student_id
    )
    return count


async def internship(conn: asyncpg.Connection, student_id: UUID, internship_id: UUID) -> Internship | None:
    row = await conn.fetchrow(
        "SELECT internship_id, student_id, start_on, end_on FROM internships"
        " WHERE internship_id = $1 AND student_id = $2 AND NOT retracted FOR UPDATE",
        internship_id,
        student_id,
    )
    return None if row is None else Internship(**dict(row))


async def add_internship(conn: asyncpg.Connection, envelope: Envelope, started: InternshipStarted) -> bool:
    inserted = await conn.fetchval(
        "INSERT INTO internships (internship_id, event_id, student_id, class_id, host_name, host_credit_code,"
        " related_to_major, monthly_pay, start_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        " ON CONFLICT (internship_id) DO NOTHING RETURNING true",
        started.internship_id,
        envelope.id,
        envelope.student_id,
        envelope.class_id,
        started.host_name,
        started.host_credit_code,
        started.related_to_major,
        started.monthly_pay,
        started.start_on,
    )
    return bool(inserted)


async def end_internship(conn: asyncpg.Connection, envelope: Envelope, ended: InternshipEnded) -> None:
    await conn.execute(
        "UPDATE internships SET end_on = $2, outcome = $3, end_event_id = $4 WHERE internship_id = $1",
        ended.internship_id,
        ended.end_on,
        ended.outcome.value,
        envelope.id,
    )


async def reopen_internship(conn: asyncpg.Connection, end_event_id: UUID) -> None:
    await conn.execute(
        "UPDATE internships SET end_on = NULL, outcome = NULL, end_event_id = NULL WHERE end_event_id = $1",
        end_event_id,
    )


async def add_certificate(conn: asyncpg.Connection, envelope: Envelope, awarded: CertificateAwarded) -> bool:
    inserted = await conn.fetchval(
        "INSERT INTO certificates (certificate_id, event_id, student_id, class_id, name, level, issuer, awarded_on)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (certificate_id) DO NOTHING RETURNING true",
        awarded.certificate_id,
        envelope.id,
        envelope.student_id,
        envelope.class_id,
        awarded.name,
        awarded.level,
        awarded.issuer,
        awarded.awarded_on,
    )
    return bool(inserted)


async def mark_retracted(conn: asyncpg.Connection, event_type: str, event_id: UUID) -> None:
    table, column = RECORD_OF[event_type]
    await conn.execute(f"UPDATE {table} SET retracted = true WHERE {column} = $1", event_id)  # noqa: S608
