"""The employment part of a student's story: offers, placements, job changes, checks, further study, households."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from simulation.context import FactWriter, StudentContext, later, pay
from simulation.facts import (
    ApplicationSubmitted,
    FurtherStudyEntered,
    HouseholdStatusUpdated,
    JobOffered,
    OfferAccepted,
    OfferDeclined,
    Placed,
)
from simulation.learning import Learning
from simulation.retention import Job, write_checks
from simulation.scenario import EventCorrected, EventRetracted, Party

_CONTRACTS = (("fixed_term", 0.7), ("permanent", 0.2), ("part_time", 0.05), ("none", 0.05))
_WAGES = {"east": (4200, 6800), "home_region": (2800, 4500), "elsewhere": (3500, 5800)}


@dataclass(frozen=True, slots=True)
class Career:
    placement: Placed | None  # the one placement that counts (earliest non-retracted in the window)
    state_owned: bool | None


class CareerStory:
    def __init__(self, ctx: StudentContext, w: FactWriter, learning: Learning) -> None:
        self.ctx, self.w, self.learning, self.rng = ctx, w, learning, ctx.rng("employment")

    def location(self, employer: Party) -> str:
        if employer.region == "east":
            return "east"
        return "home_region" if employer.locality == self.ctx.home_region else "elsewhere"

    def relation(self, employer: Party) -> str:
        employers = self.ctx.employers
        if employer.key == employers.sponsor.key:
            actual = "sponsor"
        else:
            actual = "partner" if any(p.key == employer.key for p in employers.partners) else "other"
        if self.rng.random() < self.ctx.mix.wrong_relation_flag:
            self.w.tag("wrong_relation_flag")
            return "other" if actual != "other" else "sponsor"
        return actual

    def place(self, employer: Party, start_on: date, **overrides: object) -> Placed:
        rng, location = self.rng, self.location(employer)
        fields: dict[str, object] = {
            "occurred_on": start_on,
            "employer": employer.key,
            "relation": self.relation(employer),
            "employer_type": "state_owned" if employer.state_owned else "private",
            "location": location,
            "related_to_training": rng.random() < 0.8,
            "monthly_wage": pay(rng, *_WAGES[location]),
            "contract_type": rng.choices([c for c, _ in _CONTRACTS], weights=[p for _, p in _CONTRACTS])[0],
            "social_insurance": rng.random() < 0.85,
            "start_on": start_on,
        }
        fields.update(overrides)
        return self.w.add(Placed, **fields)

    def offers(self, employer: Party, start_on: date) -> None:
        rng, graduated_on = self.rng, self.learning.graduated_on or start_on
        offered_on = max(self.learning.first_start, later(start_on, -rng.randint(7, 30)))
        if rng.random() < self.ctx.mix.declined_offer:
            declined = self.w.add(
                JobOffered,
                occurred_on=min(offered_on, graduated_on),
                employer=self.ctx.employers.other_than(rng, employer).key,
                monthly_wage=pay(rng, 3000, 5000),
            )
            self.w.add(
                OfferDeclined,
                occurred_on=min(later(declined.occurred_on, 2), start_on),
                offer=declined.key,
                reason="too far from home",
            )
            self.w.tag("declined_offer")
        offer = self.w.add(JobOffered, occurred_on=offered_on, employer=employer.key, monthly_wage=pay(rng, 3500, 6000))
        self.w.add(OfferAccepted, occurred_on=min(later(offered_on, rng.randint(1, 5)), start_on), offer=offer.key)

    def start_day(self, graduated_on: date, must_place: bool) -> date | None:
        rng, mix, today = self.rng, self.ctx.mix, self.ctx.today
        roll = rng.random()
        if roll < mix.placement_before_graduation:
            start_on = max(self.learning.first_start, later(graduated_on, -rng.randint(1, 30)))
            self.w.tag("placement_before_graduation")
        elif roll < mix.placement_before_graduation + mix.placement_outside_window and not must_place:
            start_on = later(graduated_on, rng.randint(181, 300))
            self.w.tag("placement_outside_window")
        else:
            start_on = later(graduated_on, rng.choice((rng.randint(1, 45), rng.randint(1, 120), rng.randint(1, 180))))
        if start_on <= today:
            return start_on
        if must_place and graduated_on < today:
            return later(graduated_on, rng.randint(1, (today - graduated_on).days))
        self.w.tag("awaiting_placement")
        return None

    def graduate(self, graduated_on: date, force_state_owned: bool | None) -> Career:
        ctx, rng, mix = self.ctx, self.rng, self.ctx.mix
        must_place = force_state_owned is not None or ctx.all_graduates_employed
        if force_state_owned is None and rng.random() < mix.further_study:
            return self.further_study(graduated_on)
        if not must_place and rng.random() < mix.unplaced:
            self.w.tag("unplaced")
            return Career(None, None)
        start_on = self.start_day(graduated_on, must_place)
        if start_on is None:
            return Career(None, None)
        employer = ctx.employers.pick(rng, force_state_owned)
        self.offers(employer, start_on)
        if rng.random() < mix.placement_retracted:
            return self.with_retraction(employer, start_on)
        placement = self.place(employer, start_on)
        self.after_placement(placement, employer)
        return Career(placement, employer.state_owned)

    def with_retraction(self, employer: Party, start_on: date) -> Career:
        if self.rng.random() < 0.5:  # a placement of another student, entered here by mistake and retracted
            wrong = self.place(self.ctx.employers.other_than(self.rng, employer), later(start_on, -3))
            self.w.add(EventRetracted, occurred_on=wrong.occurred_on, target=wrong.key, reason="another student's")
            placement = self.place(employer, start_on)
        else:  # retracted by mistake, then sent again (DOMAIN.md: to restore a fact, send it again)
            first = self.place(employer, start_on)
            self.w.add(EventRetracted, occurred_on=start_on, target=first.key, reason="entered twice, it seemed")
            placement = self.place(employer, start_on, **{k: getattr(first, k) for k in _RESENT})
            self.w.tag("placement_resent")
        self.w.tag("placement_retracted")
        self.after_placement(placement, employer)
        return Career(placement, employer.state_owned)

    def after_placement(self, placement: Placed, employer: Party) -> None:
        rng, mix = self.rng, self.ctx.mix
        if rng.random() < mix.placement_corrected:
            wage = placement.monthly_wage + 300
            self.w.add(
                EventCorrected,
                occurred_on=placement.occurred_on,
                target=placement.key,
                fields={"monthly_wage": wage},
                reason="wage read from the contract",
            )
            self.w.tag("placement_corrected")
        job = Job(placement, employer)
        employed_at_180 = write_checks(self.ctx, self.w, rng, job, self.place)
        if employed_at_180 and rng.random() < mix.household_lifted:
            lifted_on = later(placement.start_on, 200)
            if lifted_on <= self.ctx.today:
                self.w.add(
                    HouseholdStatusUpdated, occurred_on=lifted_on, poor_household=False, status="lifted out of poverty"
                )
                self.w.tag("household_after_start")

    def further_study(self, graduated_on: date) -> Career:
        rng, today = self.rng, self.ctx.today
        # Terms start in September and March; a graduate joins the next one.
        start_on = date(graduated_on.year, 9, 1) if graduated_on.month < 9 else date(graduated_on.year + 1, 3, 1)
        recorded_on = min(start_on, today)
        if start_on > today:
            recorded_on = max(graduated_on, later(today, -rng.randint(0, 10)))
            self.w.tag("further_study_future")
        self.w.add(
            FurtherStudyEntered,
            occurred_on=recorded_on,
            institution="Guizhou Vocational Technology College (upgrade to associate degree)",
            start_on=start_on,
        )
        self.w.tag("further_study")
        return Career(None, None)


_RESENT = (
    "relation",
    "employer_type",
    "location",
    "related_to_training",
    "monthly_wage",
    "contract_type",
    "social_insurance",
)


def household_before_start(
    ctx: StudentContext, w: FactWriter, rng: random.Random, application: ApplicationSubmitted, first_start: date
) -> None:
    """The registry disagrees with the application: the status dated before the start wins (DOMAIN.md)."""
    if rng.random() >= ctx.mix.household_before_start:
        return
    span = max(1, (first_start - application.occurred_on).days)
    dated = later(application.occurred_on, rng.randint(-60, span))
    w.add(
        HouseholdStatusUpdated,
        occurred_on=min(dated, first_start),
        poor_household=not application.poor_household,
        status="checked against the poverty registry",
    )
    w.tag("household_before_start")


def write_employment(
    ctx: StudentContext,
    w: FactWriter,
    learning: Learning,
    application: ApplicationSubmitted,
    force_state_owned: bool | None = None,
) -> Career:
    story = CareerStory(ctx, w, learning)
    household_before_start(ctx, w, story.rng, application, learning.first_start)
    career = Career(None, None)
    if learning.graduated_on is not None:
        career = story.graduate(learning.graduated_on, force_state_owned)
    w.facts.sort(key=lambda fact: fact.occurred_on)  # stable: same-day facts keep the order they were written in
    return career
