"""Repositories of employment's own records: offers, placements, further study, checks, household updates."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from services.employment.commands import CheckRetention, EnterFurtherStudy, OfferJob, PlaceStudent
from services.employment.domain.rules import Offer, OfferStatus, Placement
from services.employment.domain.student import Student
from shared.contracts.employment import HouseholdStatusUpdated, Placed
from shared.contracts.envelope import Envelope


class Offers:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def get(self, offer_id: UUID) -> Offer | None:
        row = await self._conn.fetchrow(
            "SELECT offer_id, student_id, status, offered_on FROM offers WHERE offer_id = $1 AND NOT retracted",
            offer_id,
        )
        if row is None:
            return None
        return Offer(row["offer_id"], row["student_id"], OfferStatus(row["status"]), row["offered_on"])

    async def add(self, cmd: OfferJob, student: Student, event: Envelope) -> None:
        await self._conn.execute(
            "INSERT INTO offers (offer_id, student_id, partnership_id, class_id, employer_name, employer_credit_code,"
            " monthly_wage, offered_on, status, event_id, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
            " 'offered', $9, $10)",
            cmd.offer_id,
            student.student_id,
            student.partnership_id,
            student.class_id,
            cmd.employer_name,
            cmd.employer_credit_code,
            cmd.monthly_wage,
            event.occurred_on,
            event.id,
            event.recorded_at,
        )

    async def answer(self, offer_id: UUID, status: OfferStatus, event: Envelope, reason: str | None) -> None:
        await self._conn.execute(
            "UPDATE offers SET status = $2, answered_on = $3, decline_reason = $4, answer_event_id = $5"
            " WHERE offer_id = $1",
            offer_id,
            status.value,
            event.occurred_on,
            reason,
            event.id,
        )


class Placements:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def get(self, placement_id: UUID) -> Placement | None:
        row = await self._conn.fetchrow(
            "SELECT placement_id, student_id, start_on, last_day FROM placements"
            " WHERE placement_id = $1 AND NOT retracted",
            placement_id,
        )
        if row is None:
            return None
        return Placement(row["placement_id"], row["student_id"], row["start_on"], row["last_day"])

    async def add(self, cmd: PlaceStudent, placed: Placed, student: Student, event: Envelope) -> None:
        await self._conn.execute(
            "INSERT INTO placements (placement_id, student_id, partnership_id, class_id, employer_name,"
            " employer_credit_code, relation, relation_claimed, employer_type, location, related_to_training,"
            " monthly_wage, contract_type, social_insurance, start_on, event_id, recorded_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
            placed.placement_id,
            student.student_id,
            student.partnership_id,
            student.class_id,
            placed.employer_name,
            placed.employer_credit_code,
            placed.relation.value,
            cmd.relation_claimed.value if cmd.relation_claimed else None,
            placed.employer_type.value,
            placed.location.value,
            placed.related_to_training,
            placed.monthly_wage,
            placed.contract_type.value,
            placed.social_insurance,
            placed.start_on,
            event.id,
            event.recorded_at,
        )

    async def end(self, placement_id: UUID, last_day: date, reason: str, event: Envelope) -> None:
        await self._conn.execute(
            "UPDATE placements SET last_day = $2, end_reason = $3, ended_event_id = $4 WHERE placement_id = $1",
            placement_id,
            last_day,
            reason,
            event.id,
        )


async def add_further_study(
    conn: asyncpg.Connection, cmd: EnterFurtherStudy, student: Student, event: Envelope
) -> None:
    await conn.execute(
        "INSERT INTO further_studies (study_id, student_id, partnership_id, class_id, institution, start_on,"
        " event_id, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        cmd.study_id,
        student.student_id,
        student.partnership_id,
        student.class_id,
        cmd.institution,
        cmd.start_on,
        event.id,
        event.recorded_at,
    )


async def add_retention_check(conn: asyncpg.Connection, cmd: CheckRetention, student: Student, event: Envelope) -> None:
    await conn.execute(
        "INSERT INTO retention_checks (check_id, placement_id, student_id, partnership_id, checkpoint_days,"
        " still_employed, same_employer, monthly_wage, evidence, checked_on, recorded_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        event.id,
        cmd.placement_id,
        student.student_id,
        student.partnership_id,
        cmd.checkpoint_days,
        cmd.still_employed,
        cmd.same_employer,
        cmd.monthly_wage,
        event.evidence.value,
        event.occurred_on,
        event.recorded_at,
    )


async def add_household_update(
    conn: asyncpg.Connection, update: HouseholdStatusUpdated, student: Student, event: Envelope
) -> None:
    await conn.execute(
        "INSERT INTO household_updates (event_id, student_id, partnership_id, poor_household, status, occurred_on,"
        " recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        event.id,
        student.student_id,
        student.partnership_id,
        update.poor_household,
        update.status,
        event.occurred_on,
        event.recorded_at,
    )


async def update_columns(
    conn: asyncpg.Connection, table: str, key: str, key_value: UUID, values: dict[str, Any]
) -> None:
    """Apply a correction's fields to a projection row; `table`, `key` and the value names come from code."""
    if not values:
        return
    assignments = ", ".join(f"{column} = ${i}" for i, column in enumerate(values, start=2))
    await conn.execute(f"UPDATE {table} SET {assignments} WHERE {key} = $1", key_value, *values.values())
