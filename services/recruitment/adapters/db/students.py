"""Students (sealed personal data) and their applications, decisions and enrolments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from services.recruitment.adapters.db import Conn, columns_of, exists, insert, recorded, referred_to, restored, update
from services.recruitment.adapters.db.exclusions import EXCLUSION_LIST
from services.recruitment.adapters.vault import vault_for
from services.recruitment.application.commands.students import SubmitApplication
from services.recruitment.application.unit_of_work import Sealed, Students
from services.recruitment.domain.students import Application, Decided, Enrolment
from shared.config import ServiceSettings
from shared.contracts.envelope import Envelope
from shared.contracts.recruitment import ApplicationSubmitted, Decision, StudentEnrolled
from shared.persistence.batch import Batch
from shared.persistence.held import absent_at_start

STUDENT_LIST = "SELECT student_id, home_region, created_at, seq FROM students"
APPLICATION_LIST = (
    "SELECT a.application_id, a.student_id, a.class_id, a.partnership_id, a.home_region, a.poor_household,"
    " a.verified_by, a.prior_education, a.channel, a.applied_on, a.recorded_at, d.decision, d.reason,"
    " COALESCE(CASE WHEN e.enrolment_id IS NULL THEN NULL WHEN e.cancelled_on IS NULL THEN 'enrolled'"
    "  ELSE 'cancelled' END, d.decision, 'undecided') AS status, a.seq"
    " FROM applications a"
    " LEFT JOIN enrolments e ON e.application_id = a.application_id AND NOT e.retracted"
    " LEFT JOIN LATERAL (SELECT decision, reason FROM decisions WHERE application_id = a.application_id"
    "  AND NOT retracted ORDER BY occurred_on DESC, recorded_at DESC, event_id DESC LIMIT 1) d ON true"
    " WHERE NOT a.retracted"
)
ENROLMENT_LIST = (
    "SELECT e.enrolment_id, e.application_id, e.student_id, e.class_id, e.partnership_id, e.start_on,"
    " e.planned_end_on, e.enrolled_on, e.cancelled_on, e.cancel_reason,"
    " CASE WHEN e.cancelled_on IS NULL THEN 'enrolled' ELSE 'cancelled' END AS status,"
    " i.employer_id AS intent_employer_id, i.signed_on AS intent_signed_on, e.seq"
    " FROM enrolments e"
    " LEFT JOIN employment_intents i ON i.enrolment_id = e.enrolment_id AND NOT i.retracted"
    " WHERE NOT e.retracted"
)

_ENROLMENT = (
    "SELECT e.*, EXISTS (SELECT 1 FROM employment_intents i WHERE i.enrolment_id = e.enrolment_id"
    " AND NOT i.retracted) AS intent_signed FROM enrolments e WHERE NOT e.retracted"
)


def enrolment_of(row: Any) -> Enrolment:
    return Enrolment(
        row["enrolment_id"],
        row["application_id"],
        row["student_id"],
        row["class_id"],
        row["partnership_id"],
        row["enrolled_on"],
        row["cancelled_on"],
        row["intent_signed"],
    )


async def sealed_name(conn: Conn, student_id: UUID) -> Any:
    """For the read side: the sealed name of a student, or None."""
    return await conn.fetchrow(
        "SELECT student_id, name_sealed, home_region, created_at FROM students WHERE student_id = $1", student_id
    )


async def standing_of(conn: Conn, student_id: UUID) -> tuple[Any, bool]:
    """For the read side: the student's live enrolment (an ENROLMENT_LIST row) and whether an exclusion stands."""
    enrolment = await conn.fetchrow(
        f"SELECT * FROM ({ENROLMENT_LIST}) AS e WHERE student_id = $1 AND status = 'enrolled'", student_id
    )
    excluded = await exists(
        conn, f"SELECT 1 FROM ({EXCLUSION_LIST}) AS x WHERE student_id = $1 AND standing", student_id
    )
    return enrolment, excluded


_ADD_STUDENT = (
    "INSERT INTO students (student_id, national_id_digest, national_id_sealed, name_sealed, hukou_sealed,"
    " home_region, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
)


def _student_key(digest: bytes) -> tuple[str, bytes]:
    return "student", digest


async def read_applicants_ahead(settings: ServiceSettings, commands: Sequence[object], batch: Batch) -> None:
    """Which applicants of an import's chunk have no student yet, read at once at its start, so that adding
    theirs is held with the chunk's other inserts (`PostgresStudents.add`) instead of sent to learn it is new."""
    vault = vault_for(settings.national_id_key)
    digests = {vault.digest(c.applicant.national_id) for c in commands if isinstance(c, SubmitApplication)}
    if not digests:
        return
    found = await batch.conn.fetch(
        "SELECT national_id_digest FROM students WHERE national_id_digest = ANY($1::bytea[])", list(digests)
    )
    batch.behind.absent.update(_student_key(digest) for digest in digests - {row[0] for row in found})


async def student_with_digest(conn: Conn, digest: bytes) -> UUID | None:
    found: UUID | None = await conn.fetchval("SELECT student_id FROM students WHERE national_id_digest = $1", digest)
    return found


class PostgresStudents(Students):
    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def with_digest(self, digest: bytes) -> UUID | None:
        return await student_with_digest(self._conn, digest)

    async def lock(self, student_id: UUID) -> bool:
        return bool(await self._conn.fetchval("SELECT true FROM students WHERE student_id = $1 FOR UPDATE", student_id))

    async def add(self, student_id: UUID, digest: bytes, sealed: Sealed, home_region: str, at: datetime) -> UUID:
        row = (student_id, digest, sealed["national_id"], sealed["name"], sealed["hukou"], home_region, at)
        if absent_at_start(self._conn, _student_key(digest)):  # held; it fails if the digest has a student by then
            await self._conn.execute(_ADD_STUDENT, *row)
            return student_id
        added = await self._conn.fetchval(
            f"{_ADD_STUDENT} ON CONFLICT (national_id_digest) DO NOTHING RETURNING student_id", *row
        )
        if added is not None:
            return student_id  # a row this transaction inserted is its own until it commits
        existing: UUID = await self._conn.fetchval(
            "SELECT student_id FROM students WHERE national_id_digest = $1 FOR UPDATE", digest
        )
        return existing

    async def update(self, student_id: UUID, sealed: Sealed, home_region: str) -> None:
        changes = {"name_sealed": sealed["name"], "hukou_sealed": sealed["hukou"], "home_region": home_region}
        await update(self._conn, "students", changes, student_id=student_id)

    async def _decisions(self, application_ids: list[UUID]) -> dict[UUID, list[Decided]]:
        rows = await self._conn.fetch(
            "SELECT event_id, application_id, decision, occurred_on, recorded_at FROM decisions"
            " WHERE application_id = ANY($1) AND NOT retracted",
            application_ids,
        )
        found: dict[UUID, list[Decided]] = {}
        for row in rows:
            decided = Decided(row["event_id"], Decision(row["decision"]), row["occurred_on"], row["recorded_at"])
            found.setdefault(row["application_id"], []).append(decided)
        return found

    async def _applications(self, where: str, key: UUID) -> list[Application]:
        rows = await self._conn.fetch(f"SELECT * FROM applications WHERE {where} AND NOT retracted ORDER BY seq", key)
        if not rows:
            return []
        ids = [row["application_id"] for row in rows]
        decisions = await self._decisions(ids)
        enrolments = {
            row["application_id"]: enrolment_of(row)
            for row in await self._conn.fetch(f"{_ENROLMENT} AND e.application_id = ANY($1)", ids)
        }
        return [
            Application(
                row["application_id"],
                row["student_id"],
                row["class_id"],
                row["partnership_id"],
                row["applied_on"],
                tuple(decisions.get(row["application_id"], ())),
                enrolments.get(row["application_id"]),
            )
            for row in rows
        ]

    async def application(self, application_id: UUID) -> Application | None:
        found = await self._applications("application_id = $1", application_id)
        return found[0] if found else None

    async def applications_of(self, student_id: UUID) -> list[Application]:
        return await self._applications("student_id = $1", student_id)

    async def student_of_application(self, application_id: UUID) -> UUID | None:
        found: UUID | None = await self._conn.fetchval(
            "SELECT student_id FROM applications WHERE application_id = $1 AND NOT retracted", application_id
        )
        return found

    async def live_enrolment(self, student_id: UUID) -> Enrolment | None:
        row = await self._conn.fetchrow(f"{_ENROLMENT} AND e.student_id = $1 AND e.cancelled_on IS NULL", student_id)
        return None if row is None else enrolment_of(row)

    async def add_application(self, envelope: Envelope, submitted: ApplicationSubmitted) -> None:
        await insert(
            self._conn,
            "applications",
            **columns_of(submitted, poor_household_verified_by="verified_by"),
            **recorded(envelope, "applied_on"),
            student_id=envelope.student_id,
            class_id=envelope.class_id,
            recorded_at=envelope.recorded_at,
        )

    async def add_decision(self, envelope: Envelope, application_id: UUID, decision: str, reason: str) -> None:
        await insert(
            self._conn,
            "decisions",
            event_id=envelope.id,
            application_id=application_id,
            decision=decision,
            reason=reason,
            occurred_on=envelope.occurred_on,
            recorded_at=envelope.recorded_at,
        )

    async def add_enrolment(self, envelope: Envelope, enrolled: StudentEnrolled) -> None:
        await insert(
            self._conn,
            "enrolments",
            **columns_of(enrolled),
            **recorded(envelope, "enrolled_on", "enrolment_id"),
            student_id=envelope.student_id,
            class_id=envelope.class_id,
        )

    async def mark_cancelled(self, envelope: Envelope, enrolment_id: UUID, reason: str) -> None:
        changes = {"cancelled_on": envelope.occurred_on, "cancel_reason": reason, "cancelled_event_id": envelope.id}
        await update(self._conn, "enrolments", changes, enrolment_id=enrolment_id)

    async def add_intent(self, envelope: Envelope, enrolment_id: UUID, employer_id: UUID) -> None:
        await insert(
            self._conn,
            "employment_intents",
            event_id=envelope.id,
            enrolment_id=enrolment_id,
            employer_id=employer_id,
            signed_on=envelope.occurred_on,
        )

    async def enrolment_dates(self, enrolment_id: UUID) -> tuple[date, date] | None:
        row = await self._conn.fetchrow(
            "SELECT start_on, planned_end_on FROM enrolments WHERE enrolment_id = $1", enrolment_id
        )
        return None if row is None else (row["start_on"], row["planned_end_on"])

    async def application_enrolled(self, submitted_event_id: UUID) -> bool:
        return await referred_to(
            self._conn, submitted_event_id, by="enrolments", of="applications", through="application_id"
        )

    async def retract_application(self, submitted_event_id: UUID) -> None:
        await self._conn.execute(
            "UPDATE decisions SET retracted = true WHERE application_id ="
            " (SELECT application_id FROM applications WHERE event_id = $1)",
            submitted_event_id,
        )
        await update(self._conn, "applications", {"retracted": True}, event_id=submitted_event_id)

    async def decision_enrolled(self, decided_event_id: UUID) -> bool:
        return await referred_to(
            self._conn, decided_event_id, by="enrolments", of="decisions", through="application_id"
        )

    async def retract_decision(self, decided_event_id: UUID) -> None:
        await update(self._conn, "decisions", {"retracted": True}, event_id=decided_event_id)

    async def retract_enrolment(self, enrolment_id: UUID) -> None:
        await update(self._conn, "employment_intents", {"retracted": True}, enrolment_id=enrolment_id)
        await update(self._conn, "enrolments", {"retracted": True}, enrolment_id=enrolment_id)

    async def retract_intent(self, event_id: UUID) -> None:
        await update(self._conn, "employment_intents", {"retracted": True}, event_id=event_id)

    async def undo_cancelling(self, cancelled_event_id: UUID) -> bool:
        changes = {"cancelled_on": None, "cancel_reason": None, "cancelled_event_id": None}
        return await restored(self._conn, "enrolments", changes, cancelled_event_id=cancelled_event_id)
