"""Where each fact of this service left its state: the rows a correction rewrites (handlers/corrections.py)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

from services.recruitment.adapters.db import Conn
from services.recruitment.application.unit_of_work import RecordedState
from shared.contracts.envelope import Envelope

# event type -> (table, column holding the event id, {payload field: column} where the names differ)
STATE_OF: dict[str, tuple[str, str, dict[str, str]]] = {
    "ClassOpened": ("classes", "opened_event_id", {}),
    "ApplicationSubmitted": ("applications", "event_id", {"poor_household_verified_by": "verified_by"}),
    "ApplicationDecided": ("decisions", "event_id", {}),
    "StudentEnrolled": ("enrolments", "enrolment_id", {}),
    "EnrollmentCancelled": ("enrolments", "cancelled_event_id", {"reason": "cancel_reason"}),
    "EmploymentIntentSigned": ("employment_intents", "event_id", {}),
    "ExclusionApplied": ("exclusions", "event_id", {}),
    "PartnershipEnded": ("partnerships", "ended_event_id", {"reason": "end_reason"}),
    "MemberJoined": ("memberships", "joined_event_id", {}),
    "MemberLeft": ("memberships", "left_event_id", {"reason": "left_reason"}),
    "TargetSet": ("targets", "event_id", {}),
    "ProgrammeRegistered": ("programmes", "event_id", {}),
    "FundingRecorded": ("funding", "event_id", {}),
}


def column_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


class PostgresRecordedState(RecordedState):
    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def rewrite(self, target: Envelope, fields: Mapping[str, Any]) -> None:
        if not fields:
            return
        table, key, renamed = STATE_OF[target.type]
        chosen = [(renamed.get(field, field), column_value(value)) for field, value in fields.items()]
        assignments = ", ".join(f"{column} = ${n}" for n, (column, _) in enumerate(chosen, start=2))
        await self._conn.execute(
            f"UPDATE {table} SET {assignments} WHERE {key} = $1", target.id, *(value for _, value in chosen)
        )
