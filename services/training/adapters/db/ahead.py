"""What the roster learner's batch reads ahead (issue 12): the learners its enrolments and cancelled enrolments
name, read at once when the batch first asks for one of them, then kept current by the batch's own saves, so that
each event's handler (application/handlers/roster.py) reads them without a round trip.

They are what the database would answer one event at a time. The learners are read FOR UPDATE, as one event's
`Learners.get` reads its learner (in the order of their ids, so two batches lock them in one order), and no other
transaction saves a learner without that lock. A learner read absent is inserted by a plain insert, held
(`absent_at_start`): should another transaction create them meanwhile, it fails and the batch is done again one
event at a time, without reading ahead.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from services.training.domain.learner import Learner, Phase
from shared.contracts.envelope import Envelope
from shared.persistence.held import WriteBehind, read_ahead

LEARNER_COLUMNS = (
    "student_id, partnership_id, class_id, phase, first_start_on, period_start_on, planned_end_on,"
    " enrolment_event_id, break_start_on, last_day, graduated_on"
)
_NAMING = frozenset({"StudentEnrolled", "EnrollmentCancelled"})  # the events whose learner the roster reads
_NAME = "training.learners"


def learner_key(student_id: UUID) -> tuple[str, UUID]:
    """A learner's key among the rows a run read absent (`WriteBehind.absent`)."""
    return "training.learner", student_id


def learner_of(row: asyncpg.Record) -> Learner:
    values = dict(row)
    return Learner(**{**values, "phase": Phase(values["phase"])})


async def learners_ahead(conn: asyncpg.Connection) -> dict[UUID, Learner | None] | None:
    """The learners the run on `conn` read ahead (None: absent), read now if this is its first question; None when
    `conn` is no run's or its events name no learner."""
    return await read_ahead(conn, _NAME, _read_named)


async def _read_named(conn: asyncpg.Connection, run: WriteBehind) -> dict[UUID, Learner | None] | None:
    ids = sorted(
        {
            about.student_id
            for about in run.about
            if isinstance(about, Envelope) and about.type in _NAMING and about.student_id is not None
        }
    )
    if not ids:
        return None
    rows = await conn.fetch(  # on the run's connection, so the rows it holds are written first
        f"SELECT {LEARNER_COLUMNS} FROM learners WHERE student_id = ANY($1::uuid[]) ORDER BY student_id FOR UPDATE",
        ids,
    )
    learners: dict[UUID, Learner | None] = dict.fromkeys(ids)
    learners.update({row["student_id"]: learner_of(row) for row in rows})
    run.absent.update(learner_key(student_id) for student_id, found in learners.items() if found is None)
    return learners
