"""A class's training plan and its monthly hours logs, with verifications by another party (or none)."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from simulation.catalog import MODULES
from simulation.context import later
from simulation.mix import Mix
from simulation.scenario import (
    ClassFact,
    EventCorrected,
    EventRetracted,
    HoursLogged,
    HoursVerified,
    Module,
    SchoolClass,
)

HALF = Decimal("0.5")


def plan_modules(programme: str, total_hours: int, enterprise_share: float) -> tuple[Module, ...]:
    modules = MODULES[programme]
    school = [name for name, by in modules if by == "school"]
    enterprise = [name for name, by in modules if by == "enterprise"]
    enterprise_hours = round(total_hours * enterprise_share / len(enterprise))
    school_hours = round(total_hours * (1 - enterprise_share) / len(school))
    return tuple(
        [Module(name, Decimal(school_hours), "school") for name in school]
        + [Module(name, Decimal(enterprise_hours), "enterprise") for name in enterprise]
    )


def _round_half(hours: float) -> Decimal:
    return (Decimal(str(hours)) / HALF).quantize(Decimal(1)) * HALF


class HoursBook:
    """Writes the class's logs month by month; keys are `<class>.h<n>`."""

    def __init__(self, klass: SchoolClass, verifier: str, mix: Mix, today: date, rng: random.Random) -> None:
        self.klass, self.verifier, self.mix, self.today, self.rng = klass, verifier, mix, today, rng
        self.facts: list[ClassFact] = []

    def key(self) -> str:
        return f"{self.klass.key}.h{len(self.facts)}"

    def verify(self, log: HoursLogged, by: str, after: int) -> HoursVerified | None:
        day = later(log.occurred_on, after)
        if day > self.today:
            return None
        accepted = log.hours if self.rng.random() < 0.9 else max(Decimal(0), log.hours - self.rng.randint(1, 8))
        verification = HoursVerified(self.key(), day, self.klass.key, log.key, accepted, by)
        self.facts.append(verification)
        return verification

    def log(self, day: date, module: Module) -> None:
        rng, mix = self.rng, self.mix
        logger = self.klass.sponsor if module.taught_by == "enterprise" else self.klass.school
        other = self.klass.school if module.taught_by == "enterprise" else self.verifier
        hours = _round_half(float(module.planned_hours) / 12 * rng.uniform(0.7, 1.3)) or HALF
        log = HoursLogged(self.key(), day, self.klass.key, module.name, hours, module.taught_by, logger)
        self.facts.append(log)
        roll = rng.random()
        if roll < mix.hours_corrected:
            fields = {"hours": hours + 2}
            self.facts.append(EventCorrected(self.key(), day, log.key, fields, "hours added up wrongly"))
        if roll < mix.hours_unverified:
            return
        verification = self.verify(log, other, rng.randint(3, 25))
        if verification is None:
            return
        if rng.random() < mix.hours_reverified:
            self.verify(log, other, rng.randint(26, 60))
        elif rng.random() < mix.verification_retracted:
            self.facts.append(EventRetracted(self.key(), verification.occurred_on, verification.key, "wrong log"))

    def write(self, every_months: int) -> list[ClassFact]:
        month = 0
        last = min(self.klass.planned_end, later(self.today, -1))
        while (day := later(self.klass.planned_start, 30 * month + self.rng.randint(20, 29))) <= last:
            for module in self.klass.modules:
                if self.rng.random() < 0.5:  # each module is taught in about half of the months
                    self.log(day, module)
            month += every_months
        return self.facts
