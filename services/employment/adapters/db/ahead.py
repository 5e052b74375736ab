"""What a learner's batch reads ahead (issue 12): the students its events name and their upstream facts, read at
once when the batch first asks for one of them, with the facts held for them (issue 4), then kept current by the
batch's own writes, so that each event's handler (handlers/learning.py) reads them without a round trip.

They are what the database would answer one event at a time. The students are read FOR UPDATE (in the order of
their ids, so two batches lock them in one order), and no other transaction saves a student, commits a fact of
theirs or holds one for them without holding that lock (handlers/learning.py locks the student before its
transaction commits the fact; handlers/common.py `known_student` before a fact is held); only this learner settles
held facts. A student read absent is inserted by a plain insert, held (`absent_at_start`): should another
transaction create them meanwhile, it fails and the batch is done again one event at a time, without reading
ahead. A fact the batch adds is not written yet, so it has no `seq`: it is given one above every fact read, in the
order added, the order its own `seq` will have (a serial); the folds only compare them (domain/facts.py,
domain/training.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC
from typing import cast
from uuid import UUID

import asyncpg
from pydantic import TypeAdapter

from services.employment.application.commands import HeldCommand, HoldableCommand
from services.employment.application.handlers.learning import FOLLOW_UPS
from services.employment.application.unit_of_work import HeldFact, HeldStatus
from services.employment.domain.facts import UpstreamFact
from services.employment.domain.student import EmploymentStatus, Student
from services.employment.domain.training import STUDENT_EVENTS, TrainingStatus
from shared.contracts.envelope import Envelope
from shared.contracts.registry import parse_payload
from shared.persistence.held import WriteBehind, read_ahead

FACT_COLUMNS = (
    "seq, event_id, event_type, partnership_id, student_id, class_id, supersedes, occurred_on, recorded_at,"
    " version, data"
)
HELD_COLUMNS = "held_id, student_id, subject_id, command, received_at, status, reason"
_COMMAND: TypeAdapter[HoldableCommand] = TypeAdapter(HeldCommand)
_NAME = "employment.learned"


def student_key(student_id: UUID) -> tuple[str, UUID]:
    """A student's key among the rows a run read absent (`WriteBehind.absent`)."""
    return "employment.student", student_id


def fact_of(row: asyncpg.Record) -> UpstreamFact:
    return UpstreamFact(
        seq=row["seq"],
        event_id=row["event_id"],
        partnership_id=row["partnership_id"],
        student_id=row["student_id"],
        class_id=row["class_id"],
        supersedes=row["supersedes"],
        occurred_on=row["occurred_on"],
        recorded_at=row["recorded_at"],
        payload=parse_payload(row["event_type"], row["version"], json.loads(row["data"])),
    )


def student_of(row: asyncpg.Record) -> Student:
    return Student(
        student_id=row["student_id"],
        partnership_id=row["partnership_id"],
        class_id=row["class_id"],
        training=TrainingStatus(row["training_status"]),
        graduated_on=row["graduated_on"],
        withdrawn_last_day=row["withdrawn_last_day"],
        employment=EmploymentStatus(row["employment_status"]),
        current_placement_id=row["current_placement_id"],
        last_job_ended_on=row["last_job_ended_on"],
    )


def held_of(row: asyncpg.Record) -> HeldFact:
    return HeldFact(
        held_id=row["held_id"],
        student_id=row["student_id"],
        subject_id=row["subject_id"],
        command=_COMMAND.validate_json(row["command"]),
        received_at=row["received_at"],
        status=HeldStatus(row["status"]),
        reason=row["reason"],
    )


@dataclass
class Learned:
    """The batch's students (None: absent), their facts in `seq` order and the facts held for them, in the order
    held; `stored`: ids of upstream facts known to be in the table, or held to be; `asked`: the ids whose presence
    was read."""

    students: dict[UUID, Student | None]
    facts: dict[UUID, list[UpstreamFact]]
    waiting: dict[UUID, list[HeldFact]]
    stored: set[UUID]
    asked: frozenset[UUID]
    last_seq: int

    def added(self, envelope: Envelope, data: str, held: bool) -> None:
        """`envelope`'s fact was just inserted (`data`: its JSON), `held` or written: it is new unless stored (then
        the insert did nothing). One written, or not known to be new, is read from the table from now on."""
        if envelope.id in self.stored or envelope.student_id not in self.facts:
            return
        if not held or envelope.id not in self.asked:
            del self.facts[envelope.student_id]
            return
        self.stored.add(envelope.id)
        self.last_seq += 1
        fact = UpstreamFact(
            seq=self.last_seq,
            event_id=envelope.id,
            partnership_id=envelope.partnership_id,
            student_id=envelope.student_id,
            class_id=envelope.class_id,
            supersedes=envelope.supersedes,
            occurred_on=envelope.occurred_on,
            recorded_at=envelope.recorded_at.astimezone(UTC),  # as PostgreSQL gives a timestamptz back
            payload=parse_payload(envelope.type, envelope.version, json.loads(data)),
        )
        self.facts[envelope.student_id].append(fact)

    def settled(self, held_id: UUID) -> None:
        for waiting in self.waiting.values():
            waiting[:] = [held for held in waiting if held.held_id != held_id]


def _named(about: object) -> bool:
    return isinstance(about, Envelope) and about.student_id is not None and about.type in STUDENT_EVENTS | FOLLOW_UPS


async def learned_ahead(conn: asyncpg.Connection) -> Learned | None:
    """What the run on `conn` read ahead, read now if this is its first question; None when `conn` is no run's or
    its events name no student."""
    return await read_ahead(conn, _NAME, _read_named)


async def _read_named(conn: asyncpg.Connection, run: WriteBehind) -> Learned | None:
    envelopes = [cast(Envelope, about) for about in run.about if _named(about)]
    return await _read(conn, envelopes, run.absent) if envelopes else None


async def _read(conn: asyncpg.Connection, envelopes: list[Envelope], absent: set[object]) -> Learned:
    """On the run's connection, so the rows it holds are written first."""
    ids = sorted({cast(UUID, envelope.student_id) for envelope in envelopes})
    rows = await conn.fetch(
        "SELECT * FROM students WHERE student_id = ANY($1::uuid[]) ORDER BY student_id FOR UPDATE", ids
    )
    students: dict[UUID, Student | None] = dict.fromkeys(ids)
    students.update({row["student_id"]: student_of(row) for row in rows})
    absent.update(student_key(student_id) for student_id, found in students.items() if found is None)
    asked = frozenset(
        {envelope.id for envelope in envelopes} | {e.supersedes for e in envelopes if e.supersedes is not None}
    )
    facts: dict[UUID, list[UpstreamFact]] = {student_id: [] for student_id in ids}
    stored: set[UUID] = set()
    last_seq = 0
    for row in await conn.fetch(
        f"SELECT {FACT_COLUMNS} FROM upstream_facts WHERE student_id = ANY($1::uuid[]) OR event_id = ANY($2::uuid[])"
        " ORDER BY seq",
        ids,
        list(asked),
    ):
        stored.add(row["event_id"])
        last_seq = row["seq"]
        if row["student_id"] in facts:
            facts[row["student_id"]].append(fact_of(row))
    waiting: dict[UUID, list[HeldFact]] = {student_id: [] for student_id in ids}
    for row in await conn.fetch(
        f"SELECT {HELD_COLUMNS} FROM held_facts WHERE student_id = ANY($1::uuid[]) AND status = 'held' ORDER BY seq",
        ids,
    ):
        waiting[row["student_id"]].append(held_of(row))
    return Learned(students, facts, waiting, stored, asked, last_seq)
