"""Held facts: graduate-only commands stored until the student's graduation reaches employment, and checks or
ends of a placement that is itself held."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg
from pydantic import TypeAdapter

from services.employment.adapters.db.base import OnConnection
from services.employment.application.commands import HeldCommand, HoldableCommand
from services.employment.application.unit_of_work import HeldFact, HeldFacts, HeldStatus

_COMMAND: TypeAdapter[HoldableCommand] = TypeAdapter(HeldCommand)
_COLUMNS = "held_id, student_id, subject_id, command, received_at, status, reason"


def _held(row: asyncpg.Record) -> HeldFact:
    return HeldFact(
        held_id=row["held_id"],
        student_id=row["student_id"],
        subject_id=row["subject_id"],
        command=_COMMAND.validate_json(row["command"]),
        received_at=row["received_at"],
        status=HeldStatus(row["status"]),
        reason=row["reason"],
    )


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

    async def waiting(self, student_id: UUID) -> list[HeldFact]:
        rows = await self._conn.fetch(
            f"SELECT {_COLUMNS} FROM held_facts WHERE student_id = $1 AND status = 'held' ORDER BY seq", student_id
        )
        return [_held(row) for row in rows]

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

    async def about(self, subject_id: UUID) -> HeldFact | None:
        row = await self._conn.fetchrow(
            f"SELECT {_COLUMNS} FROM held_facts WHERE subject_id = $1"
            " AND kind IN ('offer_job', 'place_student', 'enter_further_study')"
            " ORDER BY seq DESC LIMIT 1",
            subject_id,
        )
        return _held(row) if row else None
