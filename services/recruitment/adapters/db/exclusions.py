"""Exclusions of students from outcome figures, and the enrolment that places them in a partnership."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from services.recruitment.adapters.db import Conn, fetched, insert, recorded, restored, update
from services.recruitment.application.unit_of_work import Exclusions
from services.recruitment.domain.exclusions import Exclusion
from shared.contracts.corrections import ExclusionReason
from shared.contracts.envelope import Envelope

EXCLUSION_LIST = (
    "SELECT event_id AS exclusion_id, student_id, partnership_id, reason, applied_on, revoked_on,"
    " revoked_on IS NULL AS standing, seq FROM exclusions WHERE NOT retracted"
)


def _exclusion(reason: str, **columns: Any) -> Exclusion:
    return Exclusion(reason=ExclusionReason(reason), **columns)


class PostgresExclusions(Exclusions):
    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def standing(self, student_id: UUID) -> Exclusion | None:
        sql = "SELECT event_id, partnership_id, reason, applied_on FROM exclusions WHERE student_id = $1"
        return await fetched(self._conn, _exclusion, f"{sql} AND revoked_on IS NULL AND NOT retracted", student_id)

    async def add(self, envelope: Envelope, reason: ExclusionReason) -> None:
        await insert(
            self._conn,
            "exclusions",
            **recorded(envelope, "applied_on"),
            student_id=envelope.student_id,
            reason=reason,
        )

    async def mark_revoked(self, envelope: Envelope, exclusion_id: UUID) -> None:
        changes = {"revoked_on": envelope.occurred_on, "revoked_event_id": envelope.id}
        await update(self._conn, "exclusions", changes, event_id=exclusion_id)

    async def retract(self, event_id: UUID) -> None:
        await update(self._conn, "exclusions", {"retracted": True}, event_id=event_id)

    async def undo_revoking(self, revoked_event_id: UUID) -> bool:
        changes = {"revoked_on": None, "revoked_event_id": None}
        return await restored(self._conn, "exclusions", changes, revoked_event_id=revoked_event_id)
