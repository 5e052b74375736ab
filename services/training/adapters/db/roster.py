"""The roster tables: classes, learners, the learner's state before each transition, and held inbound facts.

Each repository works on the unit of work's connection, inside its one transaction with the outbox row. Rows a
command will change are read `FOR UPDATE`, so the roster learner and HTTP commands on one learner serialise.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from services.training.adapters.db.ahead import LEARNER_COLUMNS, learner_key, learner_of, learners_ahead
from services.training.application.unit_of_work import Classes, HeldFacts, Learners, Step
from services.training.domain.learner import ClassRef, Learner, Phase
from services.training.domain.roster import Held
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import ClassOpened
from shared.messaging.codec import decode, encode
from shared.persistence.held import absent_at_start, read_once

_DATES = ("first_start_on", "period_start_on", "planned_end_on", "break_start_on", "last_day", "graduated_on")
_IDS = ("student_id", "partnership_id", "class_id", "enrolment_event_id")
_STEP = "SELECT event_id, student_id, event_type, before::text AS before, retracted FROM learner_transitions"


class PostgresClasses(Classes):
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def get(self, class_id: UUID, *, lock: bool = False) -> ClassRef | None:
        """Unlocked, read once in a bulk run (its facts name a few classes) until the run writes a class."""
        sql = "SELECT class_id, partnership_id, closed_on FROM classes WHERE class_id = $1"
        if lock:
            return _class_ref(await self._conn.fetchrow(f"{sql} FOR UPDATE", class_id))

        async def read() -> ClassRef | None:
            return _class_ref(await self._conn.fetchrow(sql, class_id))

        return await read_once(self._conn, ("class", class_id), "classes", read)

    async def add(self, envelope: Envelope, opened: ClassOpened) -> bool:
        inserted = await self._conn.fetchval(
            "INSERT INTO classes (class_id, partnership_id, name, school_id, sponsor_id, programme_id, major,"
            " cohort_year, planned_start, planned_end, opened_on, opened_event_id)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
            " ON CONFLICT (class_id) DO NOTHING RETURNING true",
            opened.class_id,
            envelope.partnership_id,
            opened.name,
            opened.school_id,
            opened.sponsor_id,
            opened.programme_id,
            opened.major,
            opened.cohort_year,
            opened.planned_start,
            opened.planned_end,
            envelope.occurred_on,
            envelope.id,
        )
        return bool(inserted)

    async def close(self, class_id: UUID, closed_on: date) -> None:
        await self._conn.execute("UPDATE classes SET closed_on = $2 WHERE class_id = $1", class_id, closed_on)


def learner_to_json(learner: Learner) -> str:
    return json.dumps(asdict(learner), default=str)


def learner_from_json(text: str) -> Learner:
    values: dict[str, Any] = json.loads(text)
    for name in _DATES:
        values[name] = None if values[name] is None else date.fromisoformat(values[name])
    for name in _IDS:
        values[name] = UUID(values[name])
    return Learner(**{**values, "phase": Phase(values["phase"])})


def _step(row: asyncpg.Record | None) -> Step | None:
    if row is None:
        return None
    return Step(
        row["event_id"], row["student_id"], row["event_type"], learner_from_json(row["before"]), row["retracted"]
    )


class PostgresLearners(Learners):
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def get(self, student_id: UUID) -> Learner | None:
        ahead = await learners_ahead(self._conn)
        if ahead is not None and student_id in ahead:  # read locked with the batch's other learners
            return ahead[student_id]
        sql = f"SELECT {LEARNER_COLUMNS} FROM learners WHERE student_id = $1 FOR UPDATE"
        row = await self._conn.fetchrow(sql, student_id)
        return None if row is None else learner_of(row)

    async def enrolled_by(self, enrolment_event_id: UUID) -> Learner | None:
        sql = f"SELECT {LEARNER_COLUMNS} FROM learners WHERE enrolment_event_id = $1 FOR UPDATE"
        row = await self._conn.fetchrow(sql, enrolment_event_id)
        return None if row is None else learner_of(row)

    async def save(self, learner: Learner) -> None:
        values = [getattr(learner, name) for name in LEARNER_COLUMNS.replace(" ", "").split(",")]
        add = f"INSERT INTO learners ({LEARNER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        if absent_at_start(self._conn, learner_key(learner.student_id)):  # held; it fails if they exist by then
            await self._conn.execute(add, *values)
        else:
            await self._conn.execute(
                f"{add} ON CONFLICT (student_id) DO UPDATE SET partnership_id = EXCLUDED.partnership_id,"
                " class_id = EXCLUDED.class_id, phase = EXCLUDED.phase, first_start_on = EXCLUDED.first_start_on,"
                " period_start_on = EXCLUDED.period_start_on, planned_end_on = EXCLUDED.planned_end_on,"
                " enrolment_event_id = EXCLUDED.enrolment_event_id, break_start_on = EXCLUDED.break_start_on,"
                " last_day = EXCLUDED.last_day, graduated_on = EXCLUDED.graduated_on, updated_at = now()",
                *values,
            )
        ahead = await learners_ahead(self._conn)
        if ahead is not None and learner.student_id in ahead:
            ahead[learner.student_id] = learner

    async def record_step(self, event_id: UUID, event_type: str, before: Learner) -> None:
        await self._conn.execute(
            "INSERT INTO learner_transitions (event_id, student_id, event_type, before) VALUES ($1, $2, $3, $4::jsonb)",
            event_id,
            before.student_id,
            event_type,
            learner_to_json(before),
        )

    async def latest_step(self, student_id: UUID) -> Step | None:
        sql = f"{_STEP} WHERE student_id = $1 AND NOT retracted ORDER BY seq DESC LIMIT 1"
        return _step(await self._conn.fetchrow(sql, student_id))

    async def step(self, event_id: UUID) -> Step | None:
        return _step(await self._conn.fetchrow(f"{_STEP} WHERE event_id = $1", event_id))

    async def retract_step(self, event_id: UUID) -> None:
        await self._conn.execute("UPDATE learner_transitions SET retracted = true WHERE event_id = $1", event_id)


class PostgresHeldFacts(HeldFacts):
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def hold(self, envelope: Envelope, held: Held) -> None:
        message = encode(envelope)
        await self._conn.execute(
            "INSERT INTO held_facts (event_id, event_type, waits_for, waits_for_id, key, headers, value)"
            " VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) ON CONFLICT (event_id) DO NOTHING",
            envelope.id,
            envelope.type,
            held.waits_for.value,
            held.waits_for_id,
            message.key.decode() if isinstance(message.key, bytes) else message.key,
            json.dumps({name: value.decode() for name, value in message.headers.items()}),
            message.value,
        )

    async def release(self, antecedent: Held) -> list[Envelope]:
        rows = await self._conn.fetch(
            "DELETE FROM held_facts WHERE waits_for = $1 AND waits_for_id = $2 AND refused IS NULL"
            " RETURNING key, headers::text AS headers, value, seq",
            antecedent.waits_for.value,
            antecedent.waits_for_id,
        )
        return [
            decode(
                [(name, value.encode()) for name, value in json.loads(row["headers"]).items()],
                row["key"].encode() if row["key"] is not None else None,
                bytes(row["value"]),
            )
            for row in sorted(rows, key=lambda row: row["seq"])
        ]

    async def refuse(self, envelope: Envelope, antecedent: Held, reason: str) -> None:
        await self.hold(envelope, antecedent)
        await self._conn.execute("UPDATE held_facts SET refused = $2 WHERE event_id = $1", envelope.id, reason)

    async def drop(self, event_id: UUID) -> bool:
        return bool(await self._conn.fetchval("DELETE FROM held_facts WHERE event_id = $1 RETURNING true", event_id))

    async def is_held(self, event_id: UUID) -> bool:
        return bool(await self._conn.fetchval("SELECT true FROM held_facts WHERE event_id = $1", event_id))


def _class_ref(row: asyncpg.Record | None) -> ClassRef | None:
    return None if row is None else ClassRef(row["class_id"], row["partnership_id"], row["closed_on"])
