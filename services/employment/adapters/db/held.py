"""Held facts: graduate-only commands stored until the student's graduation reaches employment, and checks or
ends of a placement that is itself held."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from services.employment.adapters.db.ahead import HELD_COLUMNS, held_of, learned_ahead
from services.employment.adapters.db.base import OnConnection
from services.employment.application.unit_of_work import HeldFact, HeldFacts, HeldStatus


class PostgresHeldFacts(OnConnection, HeldFacts):
    async def hold(self, held: HeldFact) -> None:
        await self._conn.execute(
            "INSERT INTO held_facts (held_id, student_id, kind, subject_id, command, received_at)"
            " VALUES ($1, $2, $3, $4, $5::jsonb, $6)",
            held.held_id,
            held.student_id,
            held.command.kind,
            held.subject_id,
            held.command.model_dump_json(),
            held.received_at,
        )
        learned = await learned_ahead(self._conn)
        if learned is not None:  # read from the table from now on
            learned.waiting.pop(held.student_id, None)

    async def waiting(self, student_id: UUID) -> list[HeldFact]:
        learned = await learned_ahead(self._conn)
        if learned is not None and student_id in learned.waiting:
            return list(learned.waiting[student_id])
        rows = await self._conn.fetch(
            f"SELECT {HELD_COLUMNS} FROM held_facts WHERE student_id = $1 AND status = 'held' ORDER BY seq", student_id
        )
        return [held_of(row) for row in rows]

    async def applied(self, held_id: UUID, event_id: UUID, at: datetime) -> None:
        await self._settle(held_id, HeldStatus.APPLIED, at, None, event_id)

    async def rejected(self, held_id: UUID, reason: str, at: datetime) -> None:
        await self._settle(held_id, HeldStatus.REJECTED, at, reason, None)

    async def _settle(
        self, held_id: UUID, status: HeldStatus, at: datetime, reason: str | None, event_id: UUID | None
    ) -> None:
        await self._conn.execute(
            "UPDATE held_facts SET status = $2, reason = $3, event_id = $4, settled_at = $5 WHERE held_id = $1",
            held_id,
            status.value,
            reason,
            event_id,
            at,
        )
        learned = await learned_ahead(self._conn)
        if learned is not None:
            learned.settled(held_id)

    async def about(self, subject_id: UUID) -> HeldFact | None:
        row = await self._conn.fetchrow(
            f"SELECT {HELD_COLUMNS} FROM held_facts WHERE subject_id = $1"
            " AND kind IN ('offer_job', 'place_student', 'enter_further_study')"
            " ORDER BY seq DESC LIMIT 1",
            subject_id,
        )
        return held_of(row) if row else None
