"""Programmes and ordered classes."""

from __future__ import annotations

from uuid import UUID

from services.recruitment.adapters.db import Conn, insert
from services.recruitment.application.unit_of_work import Classes
from services.recruitment.domain.classes import ClassTerms, OrderedClass, Programme
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import ClassOpened, ProgrammeRegistered

PROGRAMME_LIST = "SELECT programme_id, partnership_id, name, registered_on, seq FROM programmes WHERE NOT retracted"
_LIVE_ENROLMENTS = (
    "(SELECT count(*) FROM enrolments e WHERE e.class_id = c.class_id AND e.cancelled_on IS NULL AND NOT e.retracted)"
)
CLASS_LIST = (
    "SELECT c.class_id, c.partnership_id, c.programme_id, c.school_id, c.sponsor_id, c.sponsor_credit_code, c.name,"
    " c.major, c.seats, c.cohort_year, c.planned_start, c.planned_end, c.hiring_commitment, c.opened_on, c.closed_on,"
    " CASE WHEN c.closed_on IS NULL THEN 'open' ELSE 'closed' END AS status,"
    f" {_LIVE_ENROLMENTS} AS enrolled, c.seq"
    " FROM classes c WHERE NOT c.retracted"
)


class PostgresClasses(Classes):
    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def programme(self, programme_id: UUID) -> Programme | None:
        row = await self._conn.fetchrow(
            "SELECT programme_id, partnership_id FROM programmes WHERE programme_id = $1 AND NOT retracted",
            programme_id,
        )
        return None if row is None else Programme(row["programme_id"], row["partnership_id"])

    async def add_programme(self, envelope: Envelope, registered: ProgrammeRegistered) -> None:
        await insert(
            self._conn,
            "INSERT INTO programmes (programme_id, partnership_id, name, registered_on, event_id)"
            " VALUES ($1, $2, $3, $4, $5)",
            registered.programme_id,
            envelope.partnership_id,
            registered.name,
            envelope.occurred_on,
            envelope.id,
        )

    async def get(self, class_id: UUID, *, lock: bool = False) -> OrderedClass | None:
        suffix = " FOR UPDATE" if lock else ""
        row = await self._conn.fetchrow(
            "SELECT class_id, partnership_id, programme_id, seats, opened_on, closed_on FROM classes"
            f" WHERE class_id = $1 AND NOT retracted{suffix}",
            class_id,
        )
        return None if row is None else OrderedClass(**dict(row))

    async def add(self, envelope: Envelope, opened: ClassOpened) -> None:
        await insert(
            self._conn,
            "INSERT INTO classes (class_id, partnership_id, programme_id, school_id, sponsor_id, sponsor_credit_code,"
            " name, major, seats, cohort_year, planned_start, planned_end, hiring_commitment, opened_on,"
            " opened_event_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            opened.class_id,
            envelope.partnership_id,
            opened.programme_id,
            opened.school_id,
            opened.sponsor_id,
            opened.sponsor_credit_code,
            opened.name,
            opened.major,
            opened.seats,
            opened.cohort_year,
            opened.planned_start,
            opened.planned_end,
            opened.hiring_commitment,
            envelope.occurred_on,
            envelope.id,
        )

    async def mark_closed(self, envelope: Envelope, class_id: UUID) -> None:
        await self._conn.execute(
            "UPDATE classes SET closed_on = $2, closed_event_id = $3 WHERE class_id = $1",
            class_id,
            envelope.occurred_on,
            envelope.id,
        )

    async def live_enrolments(self, class_id: UUID) -> int:
        count: int = await self._conn.fetchval(
            "SELECT count(*) FROM enrolments WHERE class_id = $1 AND cancelled_on IS NULL AND NOT retracted", class_id
        )
        return count

    async def terms(self, opened_event_id: UUID) -> ClassTerms | None:
        row = await self._conn.fetchrow(
            f"SELECT seats, hiring_commitment, planned_start, planned_end, {_LIVE_ENROLMENTS} AS enrolled"
            " FROM classes c WHERE opened_event_id = $1",
            opened_event_id,
        )
        return None if row is None else ClassTerms(**dict(row))

    async def programme_in_use(self, registered_event_id: UUID) -> bool:
        return bool(
            await self._conn.fetchval(
                "SELECT EXISTS (SELECT 1 FROM classes c JOIN programmes p USING (programme_id)"
                " WHERE p.event_id = $1 AND NOT c.retracted)",
                registered_event_id,
            )
        )

    async def retract_programme(self, registered_event_id: UUID) -> None:
        await self._conn.execute("UPDATE programmes SET retracted = true WHERE event_id = $1", registered_event_id)

    async def has_applications(self, opened_event_id: UUID) -> bool:
        return bool(
            await self._conn.fetchval(
                "SELECT EXISTS (SELECT 1 FROM applications a JOIN classes c USING (class_id)"
                " WHERE c.opened_event_id = $1 AND NOT a.retracted)",
                opened_event_id,
            )
        )

    async def retract(self, opened_event_id: UUID) -> None:
        await self._conn.execute("UPDATE classes SET retracted = true WHERE opened_event_id = $1", opened_event_id)

    async def undo_closing(self, closed_event_id: UUID) -> None:
        await self._conn.execute(
            "UPDATE classes SET closed_on = NULL, closed_event_id = NULL WHERE closed_event_id = $1", closed_event_id
        )
