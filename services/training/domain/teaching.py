"""Class-level teaching: the agreed plan, hours logged, and hours verified by another party.

Enterprise teaching share is counted per class hours log from verified hours only, the latest verification by a
party other than the logger winning (DOMAIN.md, counting rules); so a party may not verify its own log.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from services.training.domain.errors import Contradiction, IllegalMove, ImpossibleFact
from services.training.domain.learner import ClassRef, not_before
from shared.contracts.base import TaughtBy
from shared.contracts.training import Module, TrainingHoursLogged, TrainingHoursVerified, TrainingPlanAgreed

SHARE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class HoursLog:
    log_id: UUID
    class_id: UUID
    hours: Decimal
    taught_by: TaughtBy
    logged_by: UUID
    logged_on: date
    retracted: bool = False


def _open_on(classroom: ClassRef, day: date, doing: str) -> None:
    if classroom.closed_on is not None and day > classroom.closed_on:
        raise IllegalMove(f"cannot {doing} on {day}: class {classroom.class_id} closed on {classroom.closed_on}")


def enterprise_share(modules: Sequence[Module]) -> Decimal:
    """Planned hours taught by enterprise staff over all planned hours, rounded half-up to 4 decimals."""
    total = sum((m.planned_hours for m in modules), Decimal(0))
    enterprise = sum((m.planned_hours for m in modules if m.taught_by is TaughtBy.ENTERPRISE), Decimal(0))
    return (enterprise / total).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)


def verified_enterprise_share(enterprise: Decimal, school: Decimal) -> Decimal | None:
    """Enterprise teaching share of verified hours; null when nothing is verified (DOMAIN.md, Values)."""
    verified = enterprise + school
    return (enterprise / verified).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP) if verified else None


def agree_plan(classroom: ClassRef, modules: Sequence[Module], agreed_on: date) -> TrainingPlanAgreed:
    _open_on(classroom, agreed_on, "agree a plan")
    repeated = sorted(name for name, times in Counter(m.name for m in modules).items() if times > 1)
    if repeated:
        raise ImpossibleFact(f"modules are named more than once: {repeated}")
    return TrainingPlanAgreed(
        modules=list(modules),
        planned_hours=sum((m.planned_hours for m in modules), Decimal(0)),
        enterprise_share=enterprise_share(modules),
    )


def log_hours(
    classroom: ClassRef,
    planned_modules: Sequence[str] | None,
    *,
    log_id: UUID,
    module: str,
    hours: Decimal,
    taught_by: TaughtBy,
    logged_by: UUID,
    logged_on: date,
) -> TrainingHoursLogged:
    """`planned_modules` is the current plan's module names, or None when no plan was agreed yet."""
    _open_on(classroom, logged_on, "log hours")
    if planned_modules is not None and module not in planned_modules:
        raise Contradiction(f"module {module!r} is not in the class's agreed plan {sorted(planned_modules)}")
    return TrainingHoursLogged(log_id=log_id, module=module, hours=hours, taught_by=taught_by, logged_by=logged_by)


def verify_hours(log: HoursLog, hours_accepted: Decimal, verified_by: UUID, verified_on: date) -> TrainingHoursVerified:
    if log.retracted:
        raise IllegalMove(f"hours log {log.log_id} was retracted; it counts nowhere")
    if verified_by == log.logged_by:
        raise Contradiction(f"party {verified_by} logged these hours; another party must verify them")
    if hours_accepted > log.hours:
        raise ImpossibleFact(f"hours_accepted {hours_accepted} exceeds the {log.hours} hours logged")
    not_before(verified_on, log.logged_on, "occurred_on", "the day the hours were logged")
    return TrainingHoursVerified(log_id=log.log_id, hours_accepted=hours_accepted, verified_by=verified_by)
