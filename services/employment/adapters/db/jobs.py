"""Offers and placements: the records of employment's own facts that later facts are decided against."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from services.employment.adapters.db.base import OnConnection
from services.employment.application.unit_of_work import Offers, Placements
from services.employment.domain.rules import Offer, OfferStatus
from services.employment.domain.student import Placement
from shared.contracts.employment import EmployerRelation, JobOffered, Placed
from shared.contracts.envelope import Envelope


class PostgresOffers(OnConnection, Offers):
    async def get(self, offer_id: UUID) -> Offer | None:
        row = await self._conn.fetchrow(
            "SELECT offer_id, student_id, status, offered_on FROM offers WHERE offer_id = $1 AND NOT retracted",
            offer_id,
        )
        if row is None:
            return None
        return Offer(row["offer_id"], row["student_id"], OfferStatus(row["status"]), row["offered_on"])

    async def add(self, offered: JobOffered, event: Envelope) -> None:
        await self._conn.execute(
            "INSERT INTO offers (offer_id, student_id, partnership_id, class_id, employer_name, employer_credit_code,"
            " monthly_wage, offered_on, status, event_id, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
            " 'offered', $9, $10)",
            offered.offer_id,
            event.student_id,
            event.partnership_id,
            event.class_id,
            offered.employer_name,
            offered.employer_credit_code,
            offered.monthly_wage,
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


class PostgresPlacements(OnConnection, Placements):
    async def get(self, placement_id: UUID) -> Placement | None:
        row = await self._conn.fetchrow(
            "SELECT placement_id, student_id, start_on, last_day FROM placements"
            " WHERE placement_id = $1 AND NOT retracted",
            placement_id,
        )
        if row is None:
            return None
        return Placement(row["placement_id"], row["student_id"], row["start_on"], row["last_day"])

    async def recorded(self, placement_id: UUID) -> bool:
        return bool(await self._conn.fetchval("SELECT true FROM placements WHERE placement_id = $1", placement_id))

    async def latest(self, student_id: UUID) -> Placement | None:
        row = await self._conn.fetchrow(
            "SELECT placement_id, student_id, start_on, last_day FROM placements"
            " WHERE student_id = $1 AND NOT retracted ORDER BY start_on DESC, seq DESC LIMIT 1",
            student_id,
        )
        return (
            None if row is None else Placement(row["placement_id"], row["student_id"], row["start_on"], row["last_day"])
        )

    async def add(self, placed: Placed, event: Envelope, relation_claimed: EmployerRelation | None) -> None:
        await self._conn.execute(
            "INSERT INTO placements (placement_id, student_id, partnership_id, class_id, employer_name,"
            " employer_credit_code, relation, relation_claimed, employer_type, location, related_to_training,"
            " monthly_wage, contract_type, social_insurance, start_on, event_id, recorded_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
            placed.placement_id,
            event.student_id,
            event.partnership_id,
            event.class_id,
            placed.employer_name,
            placed.employer_credit_code,
            placed.relation.value,
            relation_claimed.value if relation_claimed else None,
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

    async def last_job_ended_on(self, student_id: UUID) -> date | None:
        last: date | None = await self._conn.fetchval(
            "SELECT max(last_day) FROM placements WHERE student_id = $1 AND NOT retracted", student_id
        )
        return last
