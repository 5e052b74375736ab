"""One student as of D, by the counting rules of DOMAIN.md, from the student's own facts only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from simulation.facts import (
    ApplicationDecided,
    ApplicationSubmitted,
    BreakEnded,
    BreakStarted,
    CertificateAwarded,
    EnrollmentCancelled,
    Graduated,
    HouseholdStatusUpdated,
    InternshipEnded,
    InternshipStarted,
    Placed,
    Restarted,
    StudentEnrolled,
    TransferredToClass,
    Withdrawn,
)
from simulation.ground_truth.work import Check, checks_passed, counted_placement, further_study_in_window
from simulation.scenario import ExclusionApplied, ExclusionRevoked

QUALIFYING_DAYS = 42
CERTIFICATION_WINDOW_DAYS = 365


class State(StrEnum):
    ACTIVE = "active"
    ON_BREAK = "on_break"
    WITHDRAWN = "withdrawn"
    GRADUATED = "graduated"


@dataclass(frozen=True, slots=True)
class Application:
    key: str
    class_key: str
    home_region: str
    poor: bool  # the status at the application date
    decision: str | None  # the latest decision as of D


@dataclass(frozen=True, slots=True)
class Learner:
    key: str
    partnership: str
    class_key: str  # of the latest period that has started
    first_start: date
    state: State
    home_region: str
    poor: bool  # the status at the first start
    excluded: bool
    left_in_qualifying_period: bool = False
    graduated_on: date | None = None
    certified: bool = False
    completed_internship: bool = False
    further_study: bool = False
    placement: Placed | None = None
    checks: dict[int, Check] = field(default_factory=dict)

    @property
    def graduated(self) -> bool:
        return self.state is State.GRADUATED


def _last(facts: Sequence[Any], kinds: type[Any] | tuple[type[Any], ...]) -> Any | None:
    """The last fact of a kind by business date, then recorded order (DOMAIN.md: several facts of one kind)."""
    matching = [(f.occurred_on, i, f) for i, f in enumerate(facts) if isinstance(f, kinds)]
    return max(matching, key=lambda m: (m[0], m[1]))[2] if matching else None


def poor_on(facts: Sequence[Any], application: ApplicationSubmitted, day: date) -> bool:
    update = _last(
        [f for f in facts if isinstance(f, HouseholdStatusUpdated) and f.occurred_on <= day], HouseholdStatusUpdated
    )
    return update.poor_household if update else application.poor_household


def application_as_of(facts: Sequence[Any], as_of: date) -> Application | None:
    application = next((f for f in facts if isinstance(f, ApplicationSubmitted)), None)
    if application is None or application.occurred_on > as_of:
        return None
    decision = _last([f for f in facts if f.occurred_on <= as_of], ApplicationDecided)
    return Application(
        application.key,
        application.class_key,
        application.home_region,
        poor_on(facts, application, application.occurred_on),
        decision.decision if decision else None,
    )


def _state_changes(seen: Sequence[Any], as_of: date) -> list[tuple[date, int, State, Any]]:
    changes: list[tuple[date, int, State, Any]] = []
    for i, fact in enumerate(seen):
        if isinstance(fact, StudentEnrolled | TransferredToClass | Restarted):
            changes.append((fact.start_on, i, State.ACTIVE, fact))
        elif isinstance(fact, BreakStarted):
            changes.append((fact.start_on, i, State.ON_BREAK, fact))
        elif isinstance(fact, BreakEnded):
            changes.append((fact.end_on, i, State.ACTIVE, fact))
        elif isinstance(fact, Withdrawn):  # withdrawn counts from the day after the last day in learning
            changes.append((fact.last_day + timedelta(days=1), i, State.WITHDRAWN, fact))
        elif isinstance(fact, Graduated):
            changes.append((fact.graduated_on, i, State.GRADUATED, fact))
    return sorted((c for c in changes if c[0] <= as_of), key=lambda c: (c[0], c[1]))


def _break_days(seen: Sequence[Any], first: date, last: date) -> int:
    days, opened = 0, None
    for fact in [*seen, None]:
        if isinstance(fact, BreakStarted):
            opened = fact.start_on
        elif (isinstance(fact, BreakEnded) or fact is None) and opened is not None:
            until = fact.end_on - timedelta(days=1) if fact is not None else last  # a break ends the day before
            days += max(0, (min(until, last) - max(opened, first)).days + 1)
            opened = None
    return days


def _left_in_qualifying_period(seen: Sequence[Any], withdrawal: Withdrawn, first_start: date) -> bool:
    if any(isinstance(f, Restarted) and f.start_on <= withdrawal.last_day for f in seen):
        return False  # the qualifying period does not apply to a restarted period
    in_learning = (withdrawal.last_day - first_start).days + 1 - _break_days(seen, first_start, withdrawal.last_day)
    return in_learning < QUALIFYING_DAYS


def _certified(seen: Sequence[Any], first_start: date, graduated_on: date, as_of: date) -> bool:
    last = graduated_on + timedelta(days=CERTIFICATION_WINDOW_DAYS)
    return any(
        isinstance(f, CertificateAwarded) and f.level and first_start <= f.awarded_on <= min(last, as_of) for f in seen
    )


def _completed_internship(seen: Sequence[Any], graduated_on: date) -> bool:
    started = {f.key: f for f in seen if isinstance(f, InternshipStarted)}
    return any(
        isinstance(f, InternshipEnded)
        and f.outcome == "completed"
        and f.internship in started
        and started[f.internship].start_on < graduated_on
        for f in seen
    )


def learner_as_of(
    key: str, partnership: str, facts: Sequence[Any], as_of: date, checkpoints: Sequence[int], window: int = 180
) -> tuple[Application | None, Learner | None]:
    """`facts` are the student's standing (resolved) facts known by D, in recorded order; `window` is the metric
    version's employment window in days."""
    application = application_as_of(facts, as_of)
    seen = [f for f in facts if f.occurred_on <= as_of]
    enrolment = next((f for f in seen if isinstance(f, StudentEnrolled) and f.start_on <= as_of), None)
    if enrolment is None or any(isinstance(f, EnrollmentCancelled) for f in seen):
        return application, None  # a cancelled enrolment counts nowhere
    submitted = next(f for f in facts if isinstance(f, ApplicationSubmitted))
    changes = _state_changes(seen, as_of)
    periods = [c for c in changes if isinstance(c[3], StudentEnrolled | TransferredToClass | Restarted)]
    latest = periods[-1][3]
    class_key = latest.to_class if isinstance(latest, TransferredToClass) else latest.class_key
    state, cause = changes[-1][2], changes[-1][3]
    exclusion = _last(seen, (ExclusionApplied, ExclusionRevoked))
    learner = Learner(
        key=key,
        partnership=partnership,
        class_key=class_key,
        first_start=enrolment.start_on,
        state=state,
        home_region=submitted.home_region,
        poor=poor_on(facts, submitted, enrolment.start_on),
        excluded=isinstance(exclusion, ExclusionApplied),
    )
    if state is State.WITHDRAWN:
        return application, replace(
            learner, left_in_qualifying_period=_left_in_qualifying_period(seen, cause, enrolment.start_on)
        )
    if state is not State.GRADUATED:
        return application, learner
    graduated_on = cause.graduated_on
    placement = counted_placement(seen, enrolment.start_on, graduated_on, as_of, window)
    return application, replace(
        learner,
        graduated_on=graduated_on,
        certified=_certified(seen, enrolment.start_on, graduated_on, as_of),
        completed_internship=_completed_internship(seen, graduated_on),
        further_study=further_study_in_window(seen, enrolment.start_on, graduated_on, as_of, window),
        placement=placement,
        checks=checks_passed(seen, placement, checkpoints, as_of) if placement else {},
    )
