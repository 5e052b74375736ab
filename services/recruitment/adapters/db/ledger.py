"""Targets and funding: facts recorded against a partnership, listed as they were set."""

from __future__ import annotations

from uuid import UUID

from services.recruitment.adapters.db import Conn, insert
from services.recruitment.application.unit_of_work import Ledger
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import FundingRecorded, TargetSet

TARGET_LIST = (
    "SELECT target_id, partnership_id, metric, comparison, goal, class_id, set_on, recorded_at, seq"
    " FROM targets WHERE NOT retracted"
)
FUNDING_LIST = (
    "SELECT funding_id, partnership_id, amount_yuan, source, period_start, period_end, recorded_on, seq"
    " FROM funding WHERE NOT retracted"
)


class PostgresLedger(Ledger):
    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def add_target(self, envelope: Envelope, target: TargetSet) -> None:
        await insert(
            self._conn,
            "INSERT INTO targets (target_id, partnership_id, metric, comparison, goal, class_id, set_on, recorded_at,"
            " event_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            target.target_id,
            envelope.partnership_id,
            target.metric,
            target.comparison.value,
            target.goal,
            target.class_id,
            envelope.occurred_on,
            envelope.recorded_at,
            envelope.id,
        )

    async def add_funding(self, envelope: Envelope, funding: FundingRecorded) -> None:
        await insert(
            self._conn,
            "INSERT INTO funding (funding_id, partnership_id, amount_yuan, source, period_start, period_end,"
            " recorded_on, event_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            funding.funding_id,
            envelope.partnership_id,
            funding.amount_yuan,
            funding.source.value,
            funding.period_start,
            funding.period_end,
            envelope.occurred_on,
            envelope.id,
        )

    async def retract_target(self, event_id: UUID) -> None:
        await self._conn.execute("UPDATE targets SET retracted = true WHERE event_id = $1", event_id)

    async def retract_funding(self, event_id: UUID) -> None:
        await self._conn.execute("UPDATE funding SET retracted = true WHERE event_id = $1", event_id)
