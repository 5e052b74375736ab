"""Undoing training's own state when one of its facts is retracted (the hook of the shared retraction handler).

A retracted transition restores the learner exactly as it was before it, from the step kept with it. Only the
latest standing transition can be undone: retracting a Withdrawn that a Restarted followed would leave the restart
without its antecedent, so the Restarted must be retracted first (409 otherwise). A retracted record is flagged
and counts nowhere.
"""

from __future__ import annotations

from uuid import UUID

from services.training.application.unit_of_work import TrainingUnitOfWork
from services.training.domain.errors import Contradiction, IllegalMove
from shared.contracts.envelope import Envelope

TRANSITIONS = frozenset({"BreakStarted", "BreakEnded", "TransferredToClass", "Restarted", "Withdrawn", "Graduated"})
TEACHING_RECORDS = frozenset({"TrainingPlanAgreed", "TrainingHoursLogged", "TrainingHoursVerified"})
LEARNER_RECORDS = frozenset({"ProgressReviewHeld", "BreakStarted", "InternshipStarted", "CertificateAwarded"})


async def undo_step(uow: TrainingUnitOfWork, event_id: UUID, student_id: UUID) -> None:
    await uow.learners.get(student_id)  # locks the learner until the retraction commits
    latest = await uow.learners.latest_step(student_id)
    if latest is None or latest.event_id != event_id:
        later = f"the later {latest.event_type} ({latest.event_id})" if latest else "nothing"
        raise IllegalMove(f"cannot undo {event_id} of student {student_id}: retract {later} first")
    await uow.learners.save(latest.before)
    await uow.learners.retract_step(event_id)


async def undo_retracted(uow: TrainingUnitOfWork, target: Envelope) -> None:
    if target.type in TRANSITIONS:
        if target.student_id is None:
            raise Contradiction(f"{target.type} {target.id} names no student")
        await undo_step(uow, target.id, target.student_id)
    if target.type == "BreakEnded":
        await uow.records.reopen_break(target.id)
    elif target.type == "InternshipEnded":
        await uow.records.reopen_internship(target.id)
    elif target.type in TEACHING_RECORDS:
        await uow.teaching.retract(target.type, target.id)
    elif target.type in LEARNER_RECORDS:
        await uow.records.retract(target.type, target.id)
