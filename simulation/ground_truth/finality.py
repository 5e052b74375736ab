"""Which figures of a cell are still provisional (DOMAIN.md, "Final when"), by plain code of its own.

Final when every class in scope is closed, no counted student is active or on a break, and every member has passed
the metric's window: certification G+365; employment and placement shares, wage medians and location shares
G+window (180 days in version 1, 365 in version 2); retention at k that window for every graduate and start+k for
every placement. The window concerns only the students a figure counts: a cell with none of them pending is final.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from simulation.ground_truth.learner import Application, Learner, State
from simulation.ground_truth.metrics import LOCATIONS, Context
from simulation.ground_truth.work import HOUSEHOLDS_CHECKPOINT
from simulation.scenario import SchoolClass

CERTIFICATION_WINDOW_DAYS = 365
ENROLMENT = frozenset({"enrolled", "active", "on_break", "enrolled_now", "fill_rate", "poor_household_share"})
IN_TRAINING = frozenset({"retention_in_training", "completion_rate", "graduates"})
PLACEMENT = frozenset(
    {
        "placements",
        "sponsor_placement_rate",
        "major_matched_rate",
        "state_owned_placements",
        "state_owned_share",
        "starting_wage_median",
        *(f"starting_wage_median.{place}" for place in LOCATIONS),
        *(f"placement_location_share.{place}" for place in LOCATIONS),
    }
)
EVERYTHING = frozenset({"*"})  # an open class in the cell: every figure of it is provisional


def _retention(checkpoints: Sequence[int]) -> set[str]:
    return {f"job_retention.{k}" for k in checkpoints} | {f"same_employer_retention.{k}" for k in checkpoints[1:]}


def _after(day: date, days: int) -> date:
    return day + timedelta(days=days)


def _graduate_may_move(checkpoints: Sequence[int], poor: bool) -> set[str]:
    """What a student who is not (yet) a graduate could still change by graduating."""
    found = {"certification_rate", "internship_rate", "employment_rate", "direct_employment_rate"}
    found |= PLACEMENT | _retention(checkpoints)
    return found | ({"households_lifted"} if poor else set())


def unsettled(s: Learner, ctx: Context) -> bool:
    """In training, or in a class not (known to be) closed."""
    return s.state in (State.ACTIVE, State.ON_BREAK) or s.class_key not in ctx.closed


def waiting(s: Learner, ctx: Context) -> bool:
    """A counted graduate whose employment window is still open, or any counted student still unsettled."""
    if s.excluded:
        return False
    if unsettled(s, ctx):
        return True
    return s.graduated_on is not None and _after(s.graduated_on, ctx.window) > ctx.as_of


def _graduate(s: Learner, ctx: Context, own: Sequence[int]) -> set[str]:
    found: set[str] = set()
    graduated_on, as_of = s.graduated_on, ctx.as_of
    if graduated_on is None:
        return found
    if _after(graduated_on, CERTIFICATION_WINDOW_DAYS) > as_of:
        found.add("certification_rate")
    if _after(graduated_on, ctx.window) > as_of:
        found |= {"employment_rate", "direct_employment_rate"} | PLACEMENT | _retention(own)
        found |= {"households_lifted"} if s.poor else set()
    if s.placement is not None:
        start = s.placement.start_on
        for k in own:
            if _after(start, k) > as_of:
                found.add(f"job_retention.{k}")
                found |= {f"same_employer_retention.{k}"} if k != own[0] else set()
        if s.poor and _after(start, HOUSEHOLDS_CHECKPOINT) > as_of:
            found.add("households_lifted")
    return found


def provisional(
    classes: Sequence[SchoolClass], learners: Sequence[Learner], applications: Sequence[Application], ctx: Context
) -> frozenset[str]:
    """The metrics of a cell that are still provisional; EVERYTHING when a class of the cell is open."""
    if any(c.key not in ctx.closed for c in classes):
        return EVERYTHING
    found: set[str] = set()
    if any(a.class_key not in ctx.closed for a in applications):
        found.add("admission_rate")
    for s in learners:
        own = ctx.checkpoints[s.partnership]
        if unsettled(s, ctx):
            found |= ENROLMENT
            if not s.excluded:
                found |= IN_TRAINING | _graduate_may_move(own, s.poor)
        if not s.excluded and s.state is State.GRADUATED:
            found |= _graduate(s, ctx, own)
    return frozenset(found)


def is_final(metric: str, pending: frozenset[str]) -> bool:
    return pending is not EVERYTHING and metric not in pending
