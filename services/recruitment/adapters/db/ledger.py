"""Targets and funding: facts recorded against a partnership, listed as they were set."""

from __future__ import annotations

from uuid import UUID

from services.recruitment.adapters.db import Conn, columns_of, insert, recorded, update
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
            "targets",
            **columns_of(target),
            **recorded(envelope, "set_on"),
            recorded_at=envelope.recorded_at,
        )

    async def add_funding(self, envelope: Envelope, funding: FundingRecorded) -> None:
        await insert(
            self._conn,
            "funding",
            **columns_of(funding),
            **recorded(envelope, "recorded_on"),
        )

    async def retract_target(self, event_id: UUID) -> None:
        await update(self._conn, "targets", {"retracted": True}, event_id=event_id)

    async def retract_funding(self, event_id: UUID) -> None:
        await update(self._conn, "funding", {"retracted": True}, event_id=event_id)
