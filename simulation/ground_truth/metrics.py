"""Every metric of DOMAIN.md's table for one scope (a partnership, a roll-up, or one bucket of a breakdown)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from simulation.facts import Placed
from simulation.ground_truth.learner import Application, Learner, State
from simulation.ground_truth.numbers import Figure, count, median, rate
from simulation.ground_truth.work import HOUSEHOLDS_CHECKPOINT
from simulation.scenario import HoursLogged, HoursVerified, SchoolClass

LOCATIONS = ("east", "home_region", "elsewhere")


@dataclass(frozen=True, slots=True)
class Context:
    """What the figures need beyond the students: classes, credit codes, partners and check-points as of D."""

    as_of: date
    classes: dict[str, SchoolClass]
    credit_codes: dict[str, str | None]  # party key -> unified social credit code
    partner_codes: dict[str, frozenset[str]]  # partnership -> credit codes of its member enterprises
    checkpoints: dict[str, tuple[int, ...]]  # partnership -> check-points
    closed: frozenset[str] = frozenset()  # classes whose closure is known by D
    window: int = 180  # the metric version's employment window in days


def class_figures(
    classes: Sequence[SchoolClass],
    learners: Sequence[Learner],
    verified: dict[str, tuple[Decimal, Decimal]],
    ctx: Context,
) -> dict[str, Figure]:
    """`verified`: class key -> (enterprise hours, all hours) verified by D."""
    keys = {c.key for c in classes}
    closed = sum(1 for c in classes if c.key in ctx.closed)
    seats = sum(c.seats for c in classes)
    enterprise = sum((verified.get(k, (Decimal(0), Decimal(0)))[0] for k in keys), Decimal(0))
    hours = sum((verified.get(k, (Decimal(0), Decimal(0)))[1] for k in keys), Decimal(0))
    return {
        "classes_opened": count(len(classes)),
        "classes_open": count(len(classes) - closed),
        "classes_closed": count(closed),
        "seats": count(seats),
        "fill_rate": rate(sum(1 for s in learners if s.class_key in keys), seats),
        "enterprise_teaching_share": rate(enterprise, hours),
    }


def verified_hours(
    logs: Sequence[HoursLogged], verifications: Sequence[HoursVerified], as_of: date
) -> dict[str, tuple[Decimal, Decimal]]:
    """Per class log: the latest verification by a party other than the logger; unverified hours count nowhere."""
    latest: dict[str, tuple[date, int, HoursVerified]] = {}
    by_log = {log.key: log for log in logs if log.occurred_on <= as_of}
    for position, v in enumerate(verifications):
        log = by_log.get(v.log)
        if log is None or v.occurred_on > as_of or v.verified_by == log.logged_by:
            continue
        if v.log not in latest or (v.occurred_on, position) > latest[v.log][:2]:
            latest[v.log] = (v.occurred_on, position, v)
    totals: dict[str, tuple[Decimal, Decimal]] = {}
    for log_key, (_, _, v) in latest.items():
        log = by_log[log_key]
        enterprise, hours = totals.get(log.class_key, (Decimal(0), Decimal(0)))
        extra = v.hours_accepted if log.taught_by == "enterprise" else Decimal(0)
        totals[log.class_key] = (enterprise + extra, hours + v.hours_accepted)
    return totals


def admission_figures(applications: Sequence[Application]) -> dict[str, Figure]:
    """The unit is the application, judged by its latest decision; waitlisted is undecided."""
    admitted = sum(1 for a in applications if a.decision == "admitted")
    rejected = sum(1 for a in applications if a.decision == "rejected")
    return {"admission_rate": rate(admitted, admitted + rejected)}


def enrolment_figures(learners: Sequence[Learner]) -> dict[str, Figure]:
    active = sum(1 for s in learners if s.state is State.ACTIVE)
    on_break = sum(1 for s in learners if s.state is State.ON_BREAK)
    return {
        "enrolled": count(len(learners)),
        "active": count(active),
        "on_break": count(on_break),
        "enrolled_now": count(active + on_break),
        "poor_household_share": rate(sum(1 for s in learners if s.poor), len(learners)),
    }


def outcome_figures(learners: Sequence[Learner], ctx: Context, checkpoints: Sequence[int]) -> dict[str, Figure]:
    """`checkpoints`: the scope's check-points (a roll-up has those of all its partnerships)."""
    kept = [s for s in learners if not s.excluded]  # an unrevoked exclusion leaves every outcome figure
    staying = [s for s in kept if not s.left_in_qualifying_period]
    graduates = [s for s in kept if s.graduated]
    leavers = len(graduates) + sum(1 for s in staying if s.state is State.WITHDRAWN)
    placed = [s for s in graduates if s.placement is not None]
    figures = {
        "retention_in_training": rate(sum(1 for s in staying if s.state is not State.WITHDRAWN), len(staying)),
        "completion_rate": rate(len(graduates), leavers),
        "graduates": count(len(graduates)),
        "certification_rate": rate(sum(1 for s in graduates if s.certified), len(graduates)),
        "internship_rate": rate(sum(1 for s in graduates if s.completed_internship), len(graduates)),
        "employment_rate": rate(sum(1 for s in graduates if s.placement or s.further_study), len(graduates)),
        "direct_employment_rate": rate(len(placed), len(graduates)),
        "households_lifted": count(
            sum(
                1
                for s in placed
                if s.poor and s.checks.get(HOUSEHOLDS_CHECKPOINT) and s.checks[HOUSEHOLDS_CHECKPOINT].employed
            )
        ),
    }
    figures.update(placement_figures(placed, ctx))
    figures.update(retention_figures(placed, ctx, checkpoints))
    return figures


def _with_sponsor_or_partner(s: Learner, placement: Placed, ctx: Context) -> bool:
    # DOMAIN.md: decided by the employer's unified social credit code, whatever the placement's flag says.
    code = ctx.credit_codes[placement.employer]
    sponsor = ctx.credit_codes[ctx.classes[s.class_key].sponsor]
    return code == sponsor or code in ctx.partner_codes.get(s.partnership, frozenset())


def placement_figures(placed: Sequence[Learner], ctx: Context) -> dict[str, Figure]:
    pairs = [(s, s.placement) for s in placed if s.placement is not None]
    placements = [p for _, p in pairs]
    n = len(placements)
    state_owned = sum(1 for p in placements if p.employer_type == "state_owned")
    figures = {
        "placements": count(n),
        "sponsor_placement_rate": rate(sum(1 for s, p in pairs if _with_sponsor_or_partner(s, p, ctx)), n),
        "major_matched_rate": rate(sum(1 for p in placements if p.related_to_training), n),
        "state_owned_placements": count(state_owned),
        "state_owned_share": rate(state_owned, n),
        "starting_wage_median": median(p.monthly_wage for p in placements),
    }
    for location in LOCATIONS:
        here = [p for p in placements if p.location == location]
        figures[f"starting_wage_median.{location}"] = median(p.monthly_wage for p in here)
        figures[f"placement_location_share.{location}"] = rate(len(here), n)
    return figures


def retention_figures(placed: Sequence[Learner], ctx: Context, checkpoints: Sequence[int]) -> dict[str, Figure]:
    everywhere = sorted(set(checkpoints))
    employed = dict.fromkeys(everywhere, 0)
    due = dict.fromkeys(everywhere, 0)
    same = dict.fromkeys(everywhere, 0)
    base = dict.fromkeys(everywhere, 0)
    for s in placed:
        own = ctx.checkpoints[s.partnership]
        for k in own:
            if k in s.checks:
                due[k] += 1
                employed[k] += s.checks[k].employed
        first = own[0]
        for k in own[1:]:
            if k in s.checks and s.checks[first].employed:
                base[k] += 1
                same[k] += all(s.checks[c].same_employer for c in own if first < c <= k)
    figures = {f"job_retention.{k}": rate(employed[k], due[k]) for k in everywhere}
    figures.update({f"same_employer_retention.{k}": rate(same[k], base[k]) for k in everywhere[1:]})
    return figures
