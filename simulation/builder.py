"""Assembles a scenario: parties, partnerships, programmes and classes; students come from `cohorts`."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from simulation.catalog import MAJORS
from simulation.context import later
from simulation.identities import credit_code
from simulation.mix import Mix
from simulation.recording import stamp_history
from simulation.scenario import (
    ClassFact,
    EventCorrected,
    Funding,
    Membership,
    Partnership,
    Party,
    Programme,
    Reparented,
    Scenario,
    SchoolClass,
    Student,
    Target,
)
from simulation.teaching import HoursBook, plan_modules

# GB 32100-2015 registering authority + entity type, by role.
_CODE_KIND = {"enterprise": "91", "school": "12", "government": "11", "association": "51", "research_institute": "12"}


@dataclass(frozen=True, slots=True)
class ClassSpec:
    programme: str
    school: str
    sponsor: str
    cohort_year: int
    months: int
    seats: int
    enterprise_share: float = 0.3
    major: str | None = None


class ScenarioBuilder:
    def __init__(self, name: str, seed: int, today: date, mix: Mix) -> None:
        self.name, self.seed, self.today, self.mix = name, seed, today, mix
        self.rng = random.Random(f"{seed}/{name}")
        self.parties: dict[str, Party] = {}
        self.partnerships: dict[str, Partnership] = {}
        self.classes: dict[str, SchoolClass] = {}
        self.hours_every_months = 1

    def party(self, key: str, name: str, role: str, locality: str, *, state_owned: bool = False) -> Party:
        region = "east" if locality in ("Guangzhou", "Huadu", "Guangdong") else "west"
        if role == "overseas":
            region, code = "east", None
        else:
            code = credit_code(self.rng, locality, _CODE_KIND[role])
        self.parties[key] = Party(key, name, role, region, locality, code, state_owned)
        return self.parties[key]

    def partnership(self, key: str, name: str, signed_on: date, **fields: Any) -> Partnership:
        fields.setdefault("kind", "partnership")
        self.partnerships[key] = Partnership(key=key, name=name, signed_on=signed_on, valid_from=signed_on, **fields)
        return self.partnerships[key]

    def join(self, partnership: str, party: str, joined_on: date, role: str = "member") -> None:
        members = self.partnerships[partnership].members
        if all(m.party != party for m in members):
            members.append(Membership(party, role, joined_on))

    def leave(self, partnership: str, party: str, left_on: date) -> None:
        members = self.partnerships[partnership].members
        members[:] = [replace(m, left_on=left_on) if m.party == party else m for m in members]

    def reparent(self, partnership: str, parent: str, on: date) -> None:
        p = self.partnerships[partnership]
        p.amendments.append(Reparented(f"{partnership}.a{len(p.amendments)}", on, parent))

    def programme(self, partnership: str, name: str) -> Programme:
        p = self.partnerships[partnership]
        found = next((g for g in p.programmes if g.name == name), None)
        if found is None:
            found = Programme(f"{partnership}.g{len(p.programmes)}", name, later(p.signed_on, 10))
            p.programmes.append(found)
        return found

    def open_class(self, partnership: str, spec: ClassSpec) -> SchoolClass:
        p, rng = self.partnerships[partnership], self.rng
        programme = self.programme(partnership, spec.programme)
        start = date(spec.cohort_year, 9, rng.randint(1, 10))
        end = later(start, round(spec.months * 30.4))
        major = spec.major or rng.choice(MAJORS[spec.programme])
        key = f"c{len(self.classes) + 1:04d}"
        sponsor = self.parties[spec.sponsor]
        klass = SchoolClass(
            key=key,
            partnership=partnership,
            programme=programme.key,
            school=spec.school,
            sponsor=spec.sponsor,
            name=f"{sponsor.name.split(' Co.')[0]} {major} class {spec.cohort_year}",
            major=major,
            seats=spec.seats,
            cohort_year=spec.cohort_year,
            planned_start=start,
            planned_end=end,
            hiring_commitment=round(spec.seats * rng.uniform(0.6, 0.9)),
            opened_on=max(p.signed_on, later(start, -rng.randint(30, 60))),
            modules=plan_modules(spec.programme, spec.months * 40, spec.enterprise_share),
        )
        self.classes[key] = klass
        self.join(partnership, spec.school, min(klass.opened_on, later(p.signed_on, 1)), "school")
        self.join(partnership, spec.sponsor, min(klass.opened_on, later(p.signed_on, 1)), "sponsor")
        return klass

    def target(
        self, partnership: str, metric: str, comparison: str, goal: float, on: date, class_key: str | None = None
    ) -> None:
        p = self.partnerships[partnership]
        p.targets.append(Target(f"{partnership}.t{len(p.targets)}", metric, comparison, goal, on, class_key))

    def fund(self, partnership: str, amount: int, source: str, year: int) -> None:
        p = self.partnerships[partnership]
        recorded_on = min(date(year, 12, 20), later(self.today, -3))
        p.funding.append(
            Funding(
                f"{partnership}.f{len(p.funding)}",
                Decimal(amount),
                source,
                date(year, 1, 1),
                date(year, 12, 31),
                recorded_on,
            )
        )

    def correct_funding(self, partnership: str, index: int, amount: int, on: date) -> None:
        """An audit corrects a funding record's amount; every cost figure follows it from `on`."""
        p = self.partnerships[partnership]
        target = p.funding[index].key
        p.corrections.append(
            EventCorrected(f"{target}.c{len(p.corrections)}", on, target, {"amount_yuan": str(amount)}, "audit")
        )

    def close(self, class_key: str, closed_on: date) -> None:
        self.classes[class_key] = replace(self.classes[class_key], closed_on=closed_on)

    def hours(self, verifier_of: dict[str, str]) -> list[ClassFact]:
        facts: list[ClassFact] = []
        for klass in self.classes.values():
            rng = random.Random(f"{self.seed}/{klass.key}/hours")
            verifier = verifier_of.get(klass.partnership, klass.sponsor)
            facts += HoursBook(klass, verifier, self.mix, self.today, rng).write(self.hours_every_months)
        return facts

    def scenario(self, students: list[Student], verifier_of: dict[str, str], notes: dict[str, Any]) -> Scenario:
        built = Scenario(
            name=self.name,
            seed=self.seed,
            generated_on=self.today,
            parties=self.parties,
            partnerships=list(self.partnerships.values()),
            classes=list(self.classes.values()),
            class_facts=self.hours(verifier_of),
            students=students,
            notes=notes,
        )
        built.recorded = stamp_history(built)
        return built
