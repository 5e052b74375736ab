"""Where each fact of this service left its state: the rows a correction rewrites (handlers/corrections.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.recruitment.adapters.db import Conn, update
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


def rewritten(target: Envelope, fields: Mapping[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """The table, the column changes and the row key that write corrected `fields` of `target`."""
    table, key, renamed = STATE_OF[target.type]
    return table, {renamed.get(field, field): value for field, value in fields.items()}, {key: target.id}


class PostgresRecordedState(RecordedState):
    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def rewrite(self, target: Envelope, fields: Mapping[str, Any]) -> None:
        if fields:
            table, changes, key = rewritten(target, fields)
            await update(self._conn, table, changes, **key)
