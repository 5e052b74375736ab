"""Employment's other records (further study, retention checks, household updates), and what a correction or a
retraction of any of its events does to the rows it made."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any
from uuid import UUID

from services.employment.adapters.db.base import OnConnection
from services.employment.application.unit_of_work import Records
from shared.contracts.employment import FurtherStudyEntered, HouseholdStatusUpdated, RetentionChecked
from shared.contracts.envelope import Envelope


@dataclass(frozen=True)
class _Rows:
    """Where an event's record lives: `id_field` of the payload keys it, or the event id when None."""

    table: str
    key: str
    id_field: str | None
    columns: Mapping[str, str]  # correctable payload field -> column

    def key_of(self, target: Envelope) -> UUID:
        key: UUID = getattr(target.data, self.id_field) if self.id_field else target.id
        return key


_PLACEMENT_COLUMNS = (
    "employer_name",
    "employer_credit_code",
    "relation",
    "employer_type",
    "location",
    "related_to_training",
    "monthly_wage",
    "contract_type",
    "social_insurance",
    "start_on",
)
_ROWS = {
    "JobOffered": _Rows(
        "offers", "offer_id", "offer_id", {f: f for f in ("employer_name", "employer_credit_code", "monthly_wage")}
    ),
    "OfferAccepted": _Rows("offers", "offer_id", "offer_id", {}),
    "OfferDeclined": _Rows("offers", "offer_id", "offer_id", {"reason": "decline_reason"}),
    "Placed": _Rows("placements", "placement_id", "placement_id", {f: f for f in _PLACEMENT_COLUMNS}),
    "EmploymentEnded": _Rows(
        "placements", "placement_id", "placement_id", {"last_day": "last_day", "reason": "end_reason"}
    ),
    "FurtherStudyEntered": _Rows("further_studies", "event_id", None, {f: f for f in ("institution", "start_on")}),
    "RetentionChecked": _Rows(
        "retention_checks",
        "check_id",
        None,
        {f: f for f in ("checkpoint_days", "still_employed", "same_employer", "monthly_wage")},
    ),
    "HouseholdStatusUpdated": _Rows(
        "household_updates", "event_id", None, {f: f for f in ("poor_household", "status")}
    ),
}
# A retracted answer or ending reopens the offer or placement it closed (DOMAIN.md: the fact is removed).
_REOPEN_OFFER = (
    "UPDATE offers SET status = 'offered', answered_on = NULL, decline_reason = NULL, answer_event_id = NULL"
    " WHERE offer_id = $1 AND answer_event_id = $2"
)
_REOPEN_PLACEMENT = (
    "UPDATE placements SET last_day = NULL, end_reason = NULL, ended_event_id = NULL WHERE placement_id = $1"
)


def _column_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


class PostgresRecords(OnConnection, Records):
    async def add_further_study(self, study_id: UUID, entered: FurtherStudyEntered, event: Envelope) -> None:
        await self._conn.execute(
            "INSERT INTO further_studies (study_id, student_id, partnership_id, class_id, institution, start_on,"
            " event_id, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            study_id,
            event.student_id,
            event.partnership_id,
            event.class_id,
            entered.institution,
            entered.start_on,
            event.id,
            event.recorded_at,
        )

    async def add_retention_check(self, checked: RetentionChecked, event: Envelope) -> None:
        await self._conn.execute(
            "INSERT INTO retention_checks (check_id, placement_id, student_id, partnership_id, checkpoint_days,"
            " still_employed, same_employer, monthly_wage, evidence, checked_on, recorded_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            event.id,
            checked.placement_id,
            event.student_id,
            event.partnership_id,
            checked.checkpoint_days,
            checked.still_employed,
            checked.same_employer,
            checked.monthly_wage,
            event.evidence.value,
            event.occurred_on,
            event.recorded_at,
        )

    async def add_household_update(self, updated: HouseholdStatusUpdated, event: Envelope) -> None:
        await self._conn.execute(
            "INSERT INTO household_updates (event_id, student_id, partnership_id, poor_household, status,"
            " occurred_on, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            event.id,
            event.student_id,
            event.partnership_id,
            updated.poor_household,
            updated.status,
            event.occurred_on,
            event.recorded_at,
        )

    async def retract(self, target: Envelope) -> None:
        rows = _ROWS.get(target.type)
        if rows is None:
            return
        key = rows.key_of(target)
        match target.type:
            case "OfferAccepted" | "OfferDeclined":
                await self._conn.execute(_REOPEN_OFFER, key, target.id)
            case "EmploymentEnded":
                await self._conn.execute(_REOPEN_PLACEMENT, key)
            case _:
                await self._conn.execute(f"UPDATE {rows.table} SET retracted = true WHERE {rows.key} = $1", key)
        if target.type == "Placed":
            await self._conn.execute("UPDATE retention_checks SET retracted = true WHERE placement_id = $1", key)

    async def correct(self, target: Envelope, values: Mapping[str, Any]) -> None:
        rows = _ROWS.get(target.type)
        if rows is None:
            return
        columns = {rows.columns[f]: _column_value(v) for f, v in values.items() if f in rows.columns}
        if not columns:
            return
        # Table and column names come from _ROWS above, never from the request.
        assignments = ", ".join(f"{column} = ${i}" for i, column in enumerate(columns, start=2))
        await self._conn.execute(
            f"UPDATE {rows.table} SET {assignments} WHERE {rows.key} = $1", rows.key_of(target), *columns.values()
        )
