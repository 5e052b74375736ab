"""Tables of the stage's records: plans, hours logs and verifications, breaks, internships, certificates, reviews.

A retracted record is flagged, never deleted: the read side shows it as retracted and every figure skips it.
"""

from __future__ import annotations

import json
from uuid import UUID

import asyncpg

from services.training.application.unit_of_work import Records, Teaching
from services.training.domain.records import Internship
from services.training.domain.teaching import HoursLog
from shared.contracts import training as events
from shared.contracts.base import TaughtBy
from shared.contracts.envelope import Envelope

# The table each retractable event type wrote a row of, keyed by its event_id.
TABLE_OF: dict[str, str] = {
    "TrainingPlanAgreed": "plans",
    "TrainingHoursLogged": "hours_logs",
    "TrainingHoursVerified": "hours_verifications",
    "ProgressReviewHeld": "progress_reviews",
    "BreakStarted": "breaks",
    "InternshipStarted": "internships",
    "CertificateAwarded": "certificates",
}


class _Table:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def retract(self, event_type: str, event_id: UUID) -> None:
        table = TABLE_OF[event_type]  # a constant name, never input
        await self._conn.execute(f"UPDATE {table} SET retracted = true WHERE event_id = $1", event_id)  # noqa: S608

    async def _inserted(self, sql: str, *args: object) -> bool:
        return bool(await self._conn.fetchval(sql, *args))


class PostgresTeaching(_Table, Teaching):
    async def current_plan_modules(self, class_id: UUID) -> list[str] | None:
        modules = await self._conn.fetchval(
            "SELECT modules::text FROM plans WHERE class_id = $1 AND NOT retracted"
            " ORDER BY agreed_on DESC, seq DESC LIMIT 1",
            class_id,
        )
        return None if modules is None else [module["name"] for module in json.loads(modules)]

    async def add_plan(self, envelope: Envelope, plan: events.TrainingPlanAgreed) -> None:
        await self._conn.execute(
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

    async def add_hours_log(self, envelope: Envelope, logged: events.TrainingHoursLogged) -> bool:
        return await self._inserted(
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

    async def hours_log(self, log_id: UUID) -> HoursLog | None:
        row = await self._conn.fetchrow(
            "SELECT log_id, class_id, hours, taught_by, logged_by, logged_on, retracted FROM hours_logs"
            " WHERE log_id = $1 FOR UPDATE",
            log_id,
        )
        return None if row is None else HoursLog(**{**dict(row), "taught_by": TaughtBy(row["taught_by"])})

    async def add_verification(self, envelope: Envelope, verified: events.TrainingHoursVerified) -> None:
        await self._conn.execute(
            "INSERT INTO hours_verifications (event_id, log_id, hours_accepted, verified_by, verified_on, recorded_at)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            envelope.id,
            verified.log_id,
            verified.hours_accepted,
            verified.verified_by,
            envelope.occurred_on,
            envelope.recorded_at,
        )


class PostgresRecords(_Table, Records):
    async def add_review(self, envelope: Envelope, review: events.ProgressReviewHeld) -> None:
        await self._conn.execute(
            "INSERT INTO progress_reviews (event_id, student_id, class_id, held_on, outcome, on_track)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            envelope.id,
            envelope.student_id,
            envelope.class_id,
            envelope.occurred_on,
            review.outcome,
            review.on_track,
        )

    async def add_break(self, envelope: Envelope, started: events.BreakStarted) -> None:
        await self._conn.execute(
            "INSERT INTO breaks (event_id, student_id, class_id, start_on, reason) VALUES ($1, $2, $3, $4, $5)",
            envelope.id,
            envelope.student_id,
            envelope.class_id,
            started.start_on,
            started.reason,
        )

    async def end_break(self, envelope: Envelope, ended: events.BreakEnded) -> None:
        await self._conn.execute(
            "UPDATE breaks SET end_on = $2, end_event_id = $3"
            " WHERE student_id = $1 AND end_on IS NULL AND NOT retracted",
            envelope.student_id,
            ended.end_on,
            envelope.id,
        )

    async def reopen_break(self, end_event_id: UUID) -> None:
        await self._conn.execute(
            "UPDATE breaks SET end_on = NULL, end_event_id = NULL WHERE end_event_id = $1", end_event_id
        )

    async def open_internships(self, student_id: UUID) -> int:
        count: int = await self._conn.fetchval(
            "SELECT count(*) FROM internships WHERE student_id = $1 AND end_on IS NULL AND NOT retracted", student_id
        )
        return count

    async def internship(self, student_id: UUID, internship_id: UUID) -> Internship | None:
        row = await self._conn.fetchrow(
            "SELECT internship_id, student_id, start_on, end_on FROM internships"
            " WHERE internship_id = $1 AND student_id = $2 AND NOT retracted FOR UPDATE",
            internship_id,
            student_id,
        )
        return None if row is None else Internship(**dict(row))

    async def add_internship(self, envelope: Envelope, started: events.InternshipStarted) -> bool:
        return await self._inserted(
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

    async def end_internship(self, envelope: Envelope, ended: events.InternshipEnded) -> None:
        await self._conn.execute(
            "UPDATE internships SET end_on = $2, outcome = $3, end_event_id = $4 WHERE internship_id = $1",
            ended.internship_id,
            ended.end_on,
            ended.outcome.value,
            envelope.id,
        )

    async def reopen_internship(self, end_event_id: UUID) -> None:
        await self._conn.execute(
            "UPDATE internships SET end_on = NULL, outcome = NULL, end_event_id = NULL WHERE end_event_id = $1",
            end_event_id,
        )

    async def add_certificate(self, envelope: Envelope, awarded: events.CertificateAwarded) -> bool:
        return await self._inserted(
            "INSERT INTO certificates (certificate_id, event_id, student_id, class_id, name, level, issuer,"
            " awarded_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (certificate_id) DO NOTHING"
            " RETURNING true",
            awarded.certificate_id,
            envelope.id,
            envelope.student_id,
            envelope.class_id,
            awarded.name,
            awarded.level,
            awarded.issuer,
            awarded.awarded_on,
        )
