"""Employment facts of one graduate as of D: the one placement that counts, further study, retention checks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from simulation.facts import FurtherStudyEntered, Placed, RetentionChecked
from simulation.scenario import EMPLOYER_CONFIRMATION, SCHOOL_RECORD, SELF_REPORT, SOCIAL_INSURANCE_RECORD

EMPLOYMENT_WINDOW_DAYS = {1: 180, 2: 365}  # by metric version
HOUSEHOLDS_CHECKPOINT = 180
EVIDENCE_RANK = {SELF_REPORT: 0, SCHOOL_RECORD: 1, EMPLOYER_CONFIRMATION: 2, SOCIAL_INSURANCE_RECORD: 3}


@dataclass(frozen=True, slots=True)
class Check:
    """The winning retention check at a passed check-point (None fields when no check was recorded)."""

    employed: bool
    same_employer: bool


def in_window(start_on: date, first_start: date, graduated_on: date, as_of: date, window: int = 180) -> bool:
    """DOMAIN.md: starting between first start and graduation + the window (180 days in version 1, 365 in
    version 2) inclusive; a future start is not yet true."""
    last = graduated_on + timedelta(days=window)
    return first_start <= start_on <= last and start_on <= as_of


def counted_placement(
    seen: Sequence[Any], first_start: date, graduated_on: date, as_of: date, window: int = 180
) -> Placed | None:
    """One placement per graduate: the earliest non-retracted one starting in the window."""
    candidates = [
        (fact.start_on, position, fact)
        for position, fact in enumerate(seen)
        if isinstance(fact, Placed) and in_window(fact.start_on, first_start, graduated_on, as_of, window)
    ]
    return min(candidates, key=lambda c: (c[0], c[1]))[2] if candidates else None


def further_study_in_window(
    seen: Sequence[Any], first_start: date, graduated_on: date, as_of: date, window: int = 180
) -> bool:
    return any(
        isinstance(fact, FurtherStudyEntered) and in_window(fact.start_on, first_start, graduated_on, as_of, window)
        for fact in seen
    )


def winning_check(seen: Sequence[Any], placement: str, days: int) -> RetentionChecked | None:
    """Stronger evidence wins, then the latest recorded (`seen` is in recorded order)."""
    checks = [
        (EVIDENCE_RANK[fact.evidence], position, fact)
        for position, fact in enumerate(seen)
        if isinstance(fact, RetentionChecked) and fact.placement == placement and fact.checkpoint_days == days
    ]
    return max(checks, key=lambda c: (c[0], c[1]))[2] if checks else None


def checks_passed(seen: Sequence[Any], placement: Placed, checkpoints: Sequence[int], as_of: date) -> dict[int, Check]:
    """The check-points that have passed by D; no check recorded means not employed."""
    passed: dict[int, Check] = {}
    for days in sorted({*checkpoints, HOUSEHOLDS_CHECKPOINT}):
        if placement.start_on + timedelta(days=days) > as_of:
            continue
        check = winning_check(seen, placement.key, days)
        employed = bool(check and check.still_employed)
        passed[days] = Check(employed, employed and bool(check and check.same_employer))
    return passed
