"""Exclusions of students from outcome figures, and the enrolment that places them in a partnership."""

from __future__ import annotations

from uuid import UUID

from services.recruitment.adapters.db import Conn, insert, restored
from services.recruitment.application.unit_of_work import Exclusions
from services.recruitment.domain.exclusions import Exclusion
from shared.contracts.corrections import ExclusionReason
from shared.contracts.envelope import Envelope

EXCLUSION_LIST = (
    "SELECT event_id AS exclusion_id, student_id, partnership_id, reason, applied_on, revoked_on,"
    " revoked_on IS NULL AS standing, seq FROM exclusions WHERE NOT retracted"
)


class PostgresExclusions(Exclusions):
    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def standing(self, student_id: UUID) -> Exclusion | None:
        row = await self._conn.fetchrow(
            "SELECT event_id, partnership_id, reason, applied_on FROM exclusions"
            " WHERE student_id = $1 AND revoked_on IS NULL AND NOT retracted",
            student_id,
        )
        if row is None:
            return None
        return Exclusion(row["event_id"], row["partnership_id"], ExclusionReason(row["reason"]), row["applied_on"])

    async def add(self, envelope: Envelope, reason: ExclusionReason) -> None:
        await insert(
            self._conn,
            "INSERT INTO exclusions (event_id, student_id, partnership_id, reason, applied_on)"
            " VALUES ($1, $2, $3, $4, $5)",
            envelope.id,
            envelope.student_id,
            envelope.partnership_id,
            reason.value,
            envelope.occurred_on,
        )

    async def mark_revoked(self, envelope: Envelope, exclusion_id: UUID) -> None:
        await self._conn.execute(
            "UPDATE exclusions SET revoked_on = $2, revoked_event_id = $3 WHERE event_id = $1",
            exclusion_id,
            envelope.occurred_on,
            envelope.id,
        )

    async def retract(self, event_id: UUID) -> None:
        await self._conn.execute("UPDATE exclusions SET retracted = true WHERE event_id = $1", event_id)

    async def undo_revoking(self, revoked_event_id: UUID) -> bool:
        return await restored(
            self._conn,
            "UPDATE exclusions SET revoked_on = NULL, revoked_event_id = NULL WHERE revoked_event_id = $1",
            revoked_event_id,
        )
