"""Where a student stands in training, as employment learned it from recruitment and training events.

Employment never asks another service: this fold over the student's facts is all it knows (issue 4).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from services.employment.domain.facts import UpstreamFact
from shared.contracts.recruitment import EnrollmentCancelled, StudentEnrolled
from shared.contracts.training import Graduated, Restarted, TransferredToClass, Withdrawn

STUDENT_EVENTS = frozenset(
    cls.__name__ for cls in (StudentEnrolled, EnrollmentCancelled, Graduated, Withdrawn, Restarted, TransferredToClass)
)


class TrainingStatus(StrEnum):
    ENROLLED = "enrolled"
    GRADUATED = "graduated"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class TrainingRecord:
    partnership_id: UUID
    class_id: UUID | None
    status: TrainingStatus
    graduated_on: date | None = None
    withdrawn_last_day: date | None = None


def _happened(fact: UpstreamFact) -> tuple[date, datetime, int]:
    return (fact.occurred_on, fact.recorded_at, fact.seq)


def fold_training(facts: Sequence[UpstreamFact]) -> TrainingRecord | None:
    """Facts as `facts.effective` leaves them, folded in the order they happened. None when no student fact is left.

    Not in arrival order: a transfer or restart into a class of another partnership moves the student's later
    events to that partnership's partition, so a graduation there may arrive before a withdrawal from the old one.
    Training refuses a move dated before the current period, so business dates order a student's moves (then the
    recording time, then arrival). An enrolment only says the student exists: it must not undo a graduation. A
    cancelled enrolment counts nowhere (DOMAIN.md). A new period takes the partnership of its class (DOMAIN.md:
    the student belongs to the class, and its partnership, of their latest period).
    """
    record: TrainingRecord | None = None
    cancelled = False
    for fact in sorted(facts, key=_happened):
        payload = fact.payload
        if record is None:
            record = TrainingRecord(fact.partnership_id, fact.class_id, TrainingStatus.ENROLLED)
        match payload:
            case StudentEnrolled():
                cancelled = False
                record = replace(record, class_id=record.class_id or fact.class_id)
            case EnrollmentCancelled():
                cancelled = True
            case Graduated(graduated_on=day):
                record = replace(record, status=TrainingStatus.GRADUATED, graduated_on=day, withdrawn_last_day=None)
            case Withdrawn(last_day=day):
                record = replace(record, status=TrainingStatus.WITHDRAWN, withdrawn_last_day=day, graduated_on=None)
            case Restarted():
                record = replace(
                    record,
                    status=TrainingStatus.ENROLLED,
                    partnership_id=fact.partnership_id,
                    class_id=fact.class_id or record.class_id,
                    withdrawn_last_day=None,
                )
            case TransferredToClass(to_class_id=to_class):
                record = replace(record, partnership_id=fact.partnership_id, class_id=to_class)
    if record is not None and cancelled:
        record = replace(record, status=TrainingStatus.CANCELLED)
    return record


class Reaction(StrEnum):
    APPLY_HELD = "apply_held"
    REJECT_HELD = "reject_held"
    NONE = "none"


def reaction(before: TrainingStatus | None, after: TrainingStatus) -> Reaction:
    """What the held facts of a student become when the training status changes (the held-facts rule)."""
    if after is before:
        return Reaction.NONE
    if after is TrainingStatus.GRADUATED:
        return Reaction.APPLY_HELD
    if after in (TrainingStatus.WITHDRAWN, TrainingStatus.CANCELLED):
        return Reaction.REJECT_HELD
    return Reaction.NONE


def rejection_reason(record: TrainingRecord) -> str:
    if record.status is TrainingStatus.WITHDRAWN:
        return (
            f"the student withdrew (last day in learning {record.withdrawn_last_day}) before graduating:"
            " jobs of withdrawn students count nowhere"
        )
    return "the student's enrolment was cancelled: a cancelled enrolment counts nowhere"
