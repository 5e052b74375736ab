"""What happens after a placement starts: job changes, lost jobs, and the retention checks at each check-point."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from simulation.context import FactWriter, StudentContext, later
from simulation.facts import EmploymentEnded, Placed, RetentionChecked
from simulation.scenario import EMPLOYER_CONFIRMATION, SCHOOL_RECORD, SELF_REPORT, SOCIAL_INSURANCE_RECORD, Party

_EVIDENCE = ((EMPLOYER_CONFIRMATION, 0.5), (SOCIAL_INSURANCE_RECORD, 0.25), (SCHOOL_RECORD, 0.15), (SELF_REPORT, 0.1))
Place = Callable[[Party, date], Placed]


@dataclass(frozen=True, slots=True)
class Job:
    placement: Placed
    employer: Party


@dataclass(frozen=True, slots=True)
class Path:
    """Where the graduate worked after the counted placement started."""

    left_on: date | None = None  # last day with the first employer
    next_start: date | None = None  # first day with the next one

    def same_employer(self, day: date) -> bool:
        return self.left_on is None or self.left_on >= day

    def employed(self, day: date) -> bool:
        return self.same_employer(day) or (self.next_start is not None and self.next_start <= day)


def _evidence(rng: random.Random, other_than: str | None = None) -> str:
    choices = [(e, w) for e, w in _EVIDENCE if e != other_than]
    return rng.choices([e for e, _ in choices], weights=[w for _, w in choices])[0]


def _career_path(ctx: StudentContext, w: FactWriter, rng: random.Random, job: Job, place: Place) -> Path:
    mix, today = ctx.mix, ctx.today
    roll = rng.random()
    if roll >= mix.job_change + mix.job_lost:
        return Path()
    last_day = later(job.placement.start_on, rng.randint(40, 400))
    if last_day >= today:
        return Path()
    w.add(
        EmploymentEnded,
        occurred_on=last_day,
        placement=job.placement.key,
        last_day=last_day,
        reason="moved to another employer" if roll < mix.job_change else "contract not renewed",
    )
    next_start = later(last_day, rng.randint(5, 60))
    if roll >= mix.job_change or next_start > today:
        w.tag("job_lost")
        return Path(last_day, None)
    following = place(ctx.employers.other_than(rng, job.employer), next_start)
    w.tag("job_change")
    if later(next_start, 90) <= today and rng.random() < 0.5:
        w.add(
            RetentionChecked,
            occurred_on=later(next_start, 90),
            placement=following.key,
            checkpoint_days=90,
            still_employed=True,
            same_employer=True,
            monthly_wage=following.monthly_wage,
        )
    return Path(last_day, next_start)


def write_checks(ctx: StudentContext, w: FactWriter, rng: random.Random, job: Job, place: Place) -> bool:
    """Writes the checks of the counted placement; returns whether the graduate is employed at 180 days."""
    path = _career_path(ctx, w, rng, job, place)
    placement, employed_at_180 = job.placement, False
    for days in ctx.partnership.checkpoints:
        due = later(placement.start_on, days)
        if due > ctx.today:
            break
        if rng.random() < ctx.mix.check_missing:
            w.tag("check_missing")
            continue
        employed, same = path.employed(due), path.same_employer(due)
        checked_on = ctx.upto_today(later(due, rng.randint(0, 20)))
        evidence = _evidence(rng)
        w.add(
            RetentionChecked,
            occurred_on=checked_on,
            placement=placement.key,
            checkpoint_days=days,
            still_employed=employed,
            same_employer=same,
            monthly_wage=placement.monthly_wage if employed else None,
            evidence=evidence,
        )
        if days == 180:
            employed_at_180 = employed
        if rng.random() < ctx.mix.check_conflicting:
            second = evidence if rng.random() < 0.3 else _evidence(rng, other_than=evidence)
            w.add(
                RetentionChecked,
                occurred_on=ctx.upto_today(later(checked_on, rng.randint(0, 10))),
                placement=placement.key,
                checkpoint_days=days,
                still_employed=not employed,
                same_employer=not employed,
                monthly_wage=None,
                evidence=second,
            )
            w.tag("check_conflicting")
    return employed_at_180
