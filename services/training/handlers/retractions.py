"""Undoing training's own state when one of its facts is retracted (the hook of the shared retraction route).

A retracted transition restores the learner exactly as it was before it, from the snapshot kept with it. Only the
latest standing transition can be undone: retracting a Withdrawn that a Restarted followed would leave the restart
without its antecedent, so the Restarted must be retracted first (409 otherwise).
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from services.training.adapters import db, records_db
from services.training.domain.errors import Contradiction, IllegalMove
from shared.contracts.envelope import Envelope

TRANSITIONS = frozenset({"BreakStarted", "BreakEnded", "TransferredToClass", "Restarted", "Withdrawn", "Graduated"})


async def undo_transition(conn: asyncpg.Connection, event_id: UUID, student_id: UUID) -> None:
    await db.learner(conn, student_id)  # locks the learner's row
    latest = await db.latest_transition(conn, student_id)
    if latest is None or latest["event_id"] != event_id:
        later = f"the later {latest['event_type']} ({latest['event_id']})" if latest else "nothing"
        raise IllegalMove(f"cannot undo {event_id} of student {student_id}: retract {later} first")
    await db.save_learner(conn, db.learner_from_json(latest["before"]))
    await db.mark_transition_retracted(conn, event_id)


async def undo_retracted(conn: asyncpg.Connection, target: Envelope) -> None:
    if target.type in TRANSITIONS:
        if target.student_id is None:
            raise Contradiction(f"{target.type} {target.id} names no student")
        await undo_transition(conn, target.id, target.student_id)
    if target.type == "BreakEnded":
        await records_db.reopen_break(conn, target.id)
    elif target.type == "InternshipEnded":
        await records_db.reopen_internship(conn, target.id)
    elif target.type in records_db.RECORD_OF:
        await records_db.mark_retracted(conn, target.type, target.id)
