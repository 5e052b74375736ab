"""One learner's state machine in the training stage, and the rules that move it.

    active -> on_break -> active          (BreakStarted / BreakEnded)
    active -> active in another class     (TransferredToClass; of any partnership, the learner moves with it)
    active | on_break -> withdrawn        (Withdrawn)
    withdrawn -> active                   (Restarted)
    active -> graduated                   (Graduated; final)
    any -> cancelled                      (EnrollmentCancelled, learned from recruitment)

Deciding is pure: a learner and business dates in, a `shared.contracts.training` payload out; `evolve` applies it.
A new period (transfer or restart) may be in a class of another partnership: DOMAIN.md moves the student to the
class, its partnership, programme and cohort from the first day; the first start (the 42-day clock) stays.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from uuid import UUID

from services.training.domain.errors import IllegalMove, ImpossibleFact
from shared.contracts.training import (
    BreakEnded,
    BreakStarted,
    Graduated,
    Restarted,
    TransferredToClass,
    WithdrawalReason,
    Withdrawn,
)


class Phase(StrEnum):
    ACTIVE = "active"
    ON_BREAK = "on_break"
    WITHDRAWN = "withdrawn"
    GRADUATED = "graduated"
    CANCELLED = "cancelled"


EXITED = frozenset({Phase.WITHDRAWN, Phase.GRADUATED})
IN_LEARNING = frozenset({Phase.ACTIVE, Phase.ON_BREAK})
NOT_CANCELLED = frozenset(Phase) - {Phase.CANCELLED}

Transition = BreakStarted | BreakEnded | TransferredToClass | Restarted | Withdrawn | Graduated


@dataclass(frozen=True)
class ClassRef:
    """What a learner's rules need to know of a class (learned from ClassOpened / ClassClosed)."""

    class_id: UUID
    partnership_id: UUID
    closed_on: date | None = None


@dataclass(frozen=True)
class Learner:
    student_id: UUID
    partnership_id: UUID
    class_id: UUID
    phase: Phase
    first_start_on: date
    period_start_on: date
    planned_end_on: date | None
    enrolment_event_id: UUID
    break_start_on: date | None = None
    last_day: date | None = None
    graduated_on: date | None = None


def require(learner: Learner, allowed: frozenset[Phase], doing: str) -> None:
    if learner.phase is Phase.CANCELLED:
        raise IllegalMove(f"cannot {doing}: the enrolment of student {learner.student_id} was cancelled")
    if learner.phase not in allowed:
        raise IllegalMove(f"cannot {doing}: student {learner.student_id} is {learner.phase.value}")


def not_before(day: date, earliest: date, field: str, what: str) -> None:
    if day < earliest:
        raise ImpossibleFact(f"{field} {day} is before {what} ({earliest})")


def _require_exit(learner: Learner, doing: str) -> None:
    if learner.phase in EXITED:
        raise IllegalMove(f"cannot {doing}: student {learner.student_id} already {learner.phase.value} (a second exit)")
    if learner.phase is Phase.ON_BREAK and doing == "graduate":
        raise IllegalMove(f"cannot graduate: student {learner.student_id} is on a break; end the break first")
    require(learner, IN_LEARNING, doing)


def _new_period_class(target: ClassRef, start_on: date) -> None:
    if target.closed_on is not None and target.closed_on < start_on:
        raise IllegalMove(f"class {target.class_id} closed on {target.closed_on}")


def start_break(learner: Learner, start_on: date, reason: str) -> BreakStarted:
    require(learner, frozenset({Phase.ACTIVE}), "start a break")
    not_before(start_on, learner.period_start_on, "start_on", "the start of the current period")
    return BreakStarted(start_on=start_on, reason=reason)


def end_break(learner: Learner, end_on: date) -> BreakEnded:
    require(learner, frozenset({Phase.ON_BREAK}), "end a break")
    assert learner.break_start_on is not None  # set by every BreakStarted; on_break implies it
    if end_on <= learner.break_start_on:
        raise ImpossibleFact(f"end_on {end_on} must be after the day the break started ({learner.break_start_on})")
    return BreakEnded(end_on=end_on)


def transfer(learner: Learner, target: ClassRef, start_on: date) -> TransferredToClass:
    require(learner, frozenset({Phase.ACTIVE}), "transfer")
    if target.class_id == learner.class_id:
        raise IllegalMove(f"student {learner.student_id} is already in class {target.class_id}")
    _new_period_class(target, start_on)
    not_before(start_on, learner.period_start_on, "start_on", "the start of the current period")
    return TransferredToClass(from_class_id=learner.class_id, to_class_id=target.class_id, start_on=start_on)


def restart(learner: Learner, target: ClassRef, start_on: date) -> Restarted:
    require(learner, frozenset({Phase.WITHDRAWN}), "restart")
    _new_period_class(target, start_on)
    assert learner.last_day is not None  # set by every Withdrawn; withdrawn implies it
    if start_on <= learner.last_day:
        raise ImpossibleFact(f"start_on {start_on} must be after the last day in learning ({learner.last_day})")
    return Restarted(start_on=start_on)


def withdraw(learner: Learner, last_day: date, reason: WithdrawalReason) -> Withdrawn:
    _require_exit(learner, "withdraw")
    not_before(last_day, learner.period_start_on, "last_day", "the start of the current period")
    return Withdrawn(last_day=last_day, reason=reason)


def graduate(learner: Learner, graduated_on: date) -> Graduated:
    _require_exit(learner, "graduate")
    not_before(graduated_on, learner.period_start_on, "graduated_on", "the start of the current period")
    return Graduated(graduated_on=graduated_on)


def evolve(learner: Learner, event: Transition, period_class: ClassRef | None = None) -> Learner:
    """The learner after `event`; `period_class` is the class of a transfer's or a restart's new period (a restart
    defaults to the same class), whose partnership the learner moves to."""
    moved_to = period_class or ClassRef(learner.class_id, learner.partnership_id)
    match event:
        case BreakStarted():
            return replace(learner, phase=Phase.ON_BREAK, break_start_on=event.start_on)
        case BreakEnded():
            return replace(learner, phase=Phase.ACTIVE, break_start_on=None)
        case TransferredToClass():
            if moved_to.class_id != event.to_class_id:
                raise ImpossibleFact(f"the transfer goes to class {event.to_class_id}, not {moved_to.class_id}")
            return replace(
                learner,
                class_id=moved_to.class_id,
                partnership_id=moved_to.partnership_id,
                period_start_on=event.start_on,
            )
        case Restarted():
            return replace(
                learner,
                phase=Phase.ACTIVE,
                class_id=moved_to.class_id,
                partnership_id=moved_to.partnership_id,
                period_start_on=event.start_on,
                last_day=None,
                break_start_on=None,
            )
        case Withdrawn():
            return replace(learner, phase=Phase.WITHDRAWN, last_day=event.last_day, break_start_on=None)
        case Graduated():
            return replace(learner, phase=Phase.GRADUATED, graduated_on=event.graduated_on)
