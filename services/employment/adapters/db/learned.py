"""What employment learned from other stages, on one connection: upstream facts, partnerships, students."""

from __future__ import annotations

import json
from uuid import UUID

from services.employment.adapters.db.ahead import FACT_COLUMNS, fact_of, learned_ahead, student_key, student_of
from services.employment.adapters.db.base import OnConnection
from services.employment.application.unit_of_work import Partnerships, Students, UpstreamFacts
from services.employment.domain.facts import UpstreamFact
from services.employment.domain.partnership import DEFAULT_CHECKPOINTS, Partner, PartnershipKnowledge
from services.employment.domain.rules import Employers
from services.employment.domain.student import Student
from shared.contracts.envelope import Envelope
from shared.persistence.held import absent_at_start, run_on

_ADD_STUDENT = (
    "INSERT INTO students (student_id, partnership_id, class_id, training_status, graduated_on, withdrawn_last_day,"
    " employment_status, current_placement_id, last_job_ended_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
)


class PostgresUpstreamFacts(OnConnection, UpstreamFacts):
    async def add(self, envelope: Envelope) -> None:
        run, data = run_on(self._conn), json.dumps(envelope.data_json())
        held = run is not None and run.holding
        await self._conn.execute(
            "INSERT INTO upstream_facts (event_id, event_type, partnership_id, student_id, class_id, supersedes,"
            " occurred_on, recorded_at, version, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)"
            " ON CONFLICT (event_id) DO NOTHING",
            envelope.id,
            envelope.type,
            envelope.partnership_id,
            envelope.student_id,
            envelope.class_id,
            envelope.supersedes,
            envelope.occurred_on,
            envelope.recorded_at,
            envelope.version,
            data,
        )
        learned = await learned_ahead(self._conn)
        if learned is not None:
            learned.added(envelope, data, held)

    async def known(self, event_id: UUID) -> bool:
        learned = await learned_ahead(self._conn)
        if learned is not None and event_id in learned.stored:
            return True
        return bool(await self._conn.fetchval("SELECT true FROM upstream_facts WHERE event_id = $1", event_id))

    async def of_student(self, student_id: UUID) -> list[UpstreamFact]:
        learned = await learned_ahead(self._conn)
        if learned is not None and student_id in learned.facts:
            return list(learned.facts[student_id])
        rows = await self._conn.fetch(
            f"SELECT {FACT_COLUMNS} FROM upstream_facts WHERE student_id = $1 ORDER BY seq", student_id
        )
        return [fact_of(row) for row in rows]

    async def of_partnership(self, partnership_id: UUID) -> list[UpstreamFact]:
        rows = await self._conn.fetch(
            f"SELECT {FACT_COLUMNS} FROM upstream_facts WHERE partnership_id = $1 AND student_id IS NULL ORDER BY seq",
            partnership_id,
        )
        return [fact_of(row) for row in rows]


class PostgresPartnerships(OnConnection, Partnerships):
    async def save(self, knowledge: PartnershipKnowledge) -> None:
        pid = knowledge.partnership_id
        await self._conn.execute(
            "INSERT INTO partnerships (partnership_id, retention_checkpoints, class_count, partner_count)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT (partnership_id) DO UPDATE SET"
            " retention_checkpoints = $2, class_count = $3, partner_count = $4, updated_at = now()",
            pid,
            list(knowledge.checkpoints),
            len(knowledge.classes),
            len(knowledge.partners),
        )
        await self._conn.execute("DELETE FROM classes WHERE partnership_id = $1", pid)
        await self._conn.executemany(
            "INSERT INTO classes (class_id, partnership_id, sponsor_id, sponsor_credit_code) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (class_id) DO UPDATE SET partnership_id = $2, sponsor_id = $3, sponsor_credit_code = $4",
            [(c.class_id, pid, c.sponsor_id, c.sponsor_credit_code) for c in knowledge.classes],
        )
        await self._conn.execute("DELETE FROM partner_enterprises WHERE partnership_id = $1", pid)
        await self._conn.executemany(
            "INSERT INTO partner_enterprises (partnership_id, party_id, credit_code, joined_on, left_on)"
            " VALUES ($1, $2, $3, $4, $5)",
            [(pid, p.party_id, p.credit_code, p.joined_on, p.left_on) for p in knowledge.partners],
        )

    async def checkpoints(self, partnership_id: UUID) -> tuple[int, ...]:
        found = await self._conn.fetchval(
            "SELECT retention_checkpoints FROM partnerships WHERE partnership_id = $1", partnership_id
        )
        return tuple(found) if found else DEFAULT_CHECKPOINTS

    async def employers(self, partnership_id: UUID, class_id: UUID | None) -> Employers:
        sponsor = await self._conn.fetchval("SELECT sponsor_credit_code FROM classes WHERE class_id = $1", class_id)
        rows = await self._conn.fetch(
            "SELECT party_id, credit_code, joined_on, left_on FROM partner_enterprises WHERE partnership_id = $1",
            partnership_id,
        )
        partners = tuple(Partner(r["party_id"], r["credit_code"], r["joined_on"], r["left_on"]) for r in rows)
        return Employers(sponsor, partners)


class PostgresStudents(OnConnection, Students):
    async def get(self, student_id: UUID, *, lock: bool = False) -> Student | None:
        learned = await learned_ahead(self._conn)
        if learned is not None and student_id in learned.students:  # read locked with the batch's other students
            return learned.students[student_id]
        suffix = " FOR UPDATE" if lock else ""
        row = await self._conn.fetchrow(f"SELECT * FROM students WHERE student_id = $1{suffix}", student_id)
        return None if row is None else student_of(row)

    async def save(self, s: Student) -> None:
        values = (
            s.student_id,
            s.partnership_id,
            s.class_id,
            s.training.value,
            s.graduated_on,
            s.withdrawn_last_day,
            s.employment.value,
            s.current_placement_id,
            s.last_job_ended_on,
        )
        if absent_at_start(self._conn, student_key(s.student_id)):  # held; it fails if they exist by then
            await self._conn.execute(_ADD_STUDENT, *values)
        else:
            await self._conn.execute(
                f"{_ADD_STUDENT} ON CONFLICT (student_id) DO UPDATE SET partnership_id = $2, class_id = $3,"
                " training_status = $4, graduated_on = $5, withdrawn_last_day = $6, employment_status = $7,"
                " current_placement_id = $8, last_job_ended_on = $9, updated_at = now()",
                *values,
            )
        learned = await learned_ahead(self._conn)
        if learned is not None and s.student_id in learned.students:
            learned.students[s.student_id] = s
