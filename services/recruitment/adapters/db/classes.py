"""Programmes and ordered classes."""

from __future__ import annotations

from uuid import UUID

from services.recruitment.adapters.db import Conn, columns_of, fetched, insert, recorded, referred_to, update
from services.recruitment.application.unit_of_work import Classes
from services.recruitment.domain.classes import ClassTerms, OrderedClass, Programme
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import ClassOpened, ProgrammeRegistered
from shared.persistence.held import read_once

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
        sql = "SELECT programme_id, partnership_id FROM programmes WHERE programme_id = $1 AND NOT retracted"
        return await fetched(self._conn, Programme, sql, programme_id)

    async def add_programme(self, envelope: Envelope, registered: ProgrammeRegistered) -> None:
        await insert(
            self._conn,
            "programmes",
            **columns_of(registered),
            **recorded(envelope, "registered_on"),
        )

    async def get(self, class_id: UUID, *, lock: bool = False) -> OrderedClass | None:
        """Unlocked, read once in a bulk run (its applications name a few classes) until the run writes a class."""
        suffix = " FOR UPDATE" if lock else ""
        sql = "SELECT class_id, partnership_id, programme_id, seats, opened_on, closed_on FROM classes"
        sql = f"{sql} WHERE class_id = $1 AND NOT retracted{suffix}"
        if lock:
            return await fetched(self._conn, OrderedClass, sql, class_id)
        return await read_once(
            self._conn, ("class", class_id), "classes", lambda: fetched(self._conn, OrderedClass, sql, class_id)
        )

    async def add(self, envelope: Envelope, opened: ClassOpened) -> None:
        await insert(
            self._conn,
            "classes",
            **columns_of(opened),
            **recorded(envelope, "opened_on", "opened_event_id"),
        )

    async def mark_closed(self, envelope: Envelope, class_id: UUID) -> None:
        changes = {"closed_on": envelope.occurred_on, "closed_event_id": envelope.id}
        await update(self._conn, "classes", changes, class_id=class_id)

    async def live_enrolments(self, class_id: UUID) -> int:
        count: int = await self._conn.fetchval(
            "SELECT count(*) FROM enrolments WHERE class_id = $1 AND cancelled_on IS NULL AND NOT retracted", class_id
        )
        return count

    async def terms(self, opened_event_id: UUID) -> ClassTerms | None:
        terms = f"seats, hiring_commitment, planned_start, planned_end, {_LIVE_ENROLMENTS} AS enrolled"
        sql = f"SELECT {terms} FROM classes c WHERE opened_event_id = $1"
        return await fetched(self._conn, ClassTerms, sql, opened_event_id)

    async def programme_in_use(self, registered_event_id: UUID) -> bool:
        return await referred_to(self._conn, registered_event_id, by="classes", of="programmes", through="programme_id")

    async def retract_programme(self, registered_event_id: UUID) -> None:
        await update(self._conn, "programmes", {"retracted": True}, event_id=registered_event_id)

    async def has_applications(self, opened_event_id: UUID) -> bool:
        opened = {"of": "classes", "through": "class_id", "key": "opened_event_id"}
        return await referred_to(self._conn, opened_event_id, by="applications", **opened)

    async def retract(self, opened_event_id: UUID) -> None:
        await update(self._conn, "classes", {"retracted": True}, opened_event_id=opened_event_id)

    async def undo_closing(self, closed_event_id: UUID) -> None:
        changes = {"closed_on": None, "closed_event_id": None}
        await update(self._conn, "classes", changes, closed_event_id=closed_event_id)
