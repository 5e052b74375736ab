"""The recruitment part of a student's story: application, decisions, enrolment or cancellation."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from simulation.context import FactWriter, StudentContext, later
from simulation.facts import (
    ApplicationDecided,
    ApplicationSubmitted,
    EmploymentIntentSigned,
    EnrollmentCancelled,
    StudentEnrolled,
)
from simulation.scenario import EventCorrected

_VERIFIED_BY = (("poverty_registry", 0.6), ("village_committee", 0.25), ("self_declared", 0.1), ("unverified", 0.05))
_EDUCATION = ("junior_secondary", "senior_secondary", "secondary_vocational")
_CHANNELS = ("county_hrss_bureau", "school_referral", "job_fair", "online", "village_committee")
_OTHER_HOMES = ("Zunyi", "Liupanshui", "Guiyang")


@dataclass(frozen=True, slots=True)
class Admission:
    application: ApplicationSubmitted
    start_on: date


def _weighted(rng: random.Random, choices: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def _decide(
    ctx: StudentContext, rng: random.Random, w: FactWriter, applied_on: date, admit: bool, has_seat: bool
) -> date | None:
    """Returns the day of admission, or None when the applicant is not admitted."""
    decided_on = later(applied_on, rng.randint(3, 15))
    roll = rng.random()
    if not has_seat:  # the recruitment service enrols nobody into a full class
        w.add(ApplicationDecided, occurred_on=decided_on, decision="waitlisted", reason="class full")
        w.tag("waitlisted_undecided")
        return None
    if not admit and roll < ctx.mix.rejected:
        w.add(ApplicationDecided, occurred_on=decided_on, decision="rejected", reason="did not meet the entry test")
        w.tag("rejected")
        return None
    if not admit and roll < ctx.mix.rejected + ctx.mix.waitlisted:
        w.add(ApplicationDecided, occurred_on=decided_on, decision="waitlisted", reason="class full")
        then = rng.random()
        if then < 0.3:
            w.tag("waitlisted_undecided")
            return None
        decided_on = later(decided_on, rng.randint(2, 10))
        if then < 0.5:
            w.add(ApplicationDecided, occurred_on=decided_on, decision="rejected", reason="no seat freed")
            w.tag("waitlisted_then_rejected")
            return None
        w.tag("waitlisted_then_admitted")
    w.add(ApplicationDecided, occurred_on=decided_on, decision="admitted")
    return decided_on


def write_recruitment(
    ctx: StudentContext, w: FactWriter, *, admit: bool = False, has_seat: bool = True
) -> Admission | None:
    """`admit` forces an admission that is not cancelled (used to reach a figure exactly)."""
    rng = ctx.rng("recruitment")
    mix, klass = ctx.mix, ctx.school_class
    west = ctx.partnership.west_region is not None
    # Applications reach a class once it has opened, until ten days before it starts.
    applied_on = later(klass.opened_on, rng.randint(0, max(0, (klass.planned_start - klass.opened_on).days - 10)))
    wrong_home = not admit and rng.random() < mix.application_corrected
    application = w.add(
        ApplicationSubmitted,
        occurred_on=applied_on,
        class_key=klass.key,
        home_region=rng.choice(_OTHER_HOMES) if wrong_home else ctx.home_region,
        poor_household=rng.random() < (0.38 if west else 0.06),
        poor_household_verified_by=_weighted(rng, _VERIFIED_BY),
        prior_education=rng.choice(_EDUCATION),
        channel=rng.choice(_CHANNELS),
    )
    admitted_on = _decide(ctx, rng, w, applied_on, admit, has_seat)
    if wrong_home:
        w.add(
            EventCorrected,
            occurred_on=applied_on,
            target=application.key,
            fields={"home_region": ctx.home_region},
            reason="home region typed from the wrong form",
        )
        w.tag("application_corrected")
    if admitted_on is None:
        return None
    enrolled_on = later(admitted_on, rng.randint(1, 7))
    start_on = max(klass.planned_start, enrolled_on)
    if rng.random() < mix.late_start:
        start_on = later(start_on, rng.randint(1, 20))
    start_on = ctx.upto_today(start_on)
    enrolled_on = min(enrolled_on, start_on)
    w.add(
        StudentEnrolled,
        occurred_on=enrolled_on,
        class_key=klass.key,
        start_on=start_on,
        planned_end_on=klass.planned_end,
    )
    if not admit and rng.random() < mix.cancelled:
        no_show = rng.random() < 0.3
        cancelled_on = later(start_on, rng.randint(1, 5)) if no_show else later(enrolled_on, rng.randint(0, 3))
        w.add(
            EnrollmentCancelled,
            occurred_on=ctx.upto_today(min(cancelled_on, later(start_on, 5))),
            reason="did not come" if no_show else "chose another school",
        )
        w.tag("cancelled")
        return None
    if rng.random() < mix.intent_signed:
        w.add(
            EmploymentIntentSigned,
            occurred_on=ctx.upto_today(later(start_on, rng.randint(0, 14))),
            employer=klass.sponsor,
        )
    return Admission(application, start_on)
