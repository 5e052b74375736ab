"""What the story of one student is written from, and the writer that numbers its facts."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from simulation.mix import Mix
from simulation.scenario import Partnership, Party, SchoolClass

F = TypeVar("F")


def later(day: date, days: int) -> date:
    return day + timedelta(days=days)


def pay(rng: random.Random, low: int, high: int) -> Decimal:
    """A monthly amount in yuan, in steps of 50."""
    return Decimal(rng.randrange(low, high, 50))


@dataclass(frozen=True, slots=True)
class Employers:
    sponsor: Party
    partners: tuple[Party, ...]  # the partnership's other member enterprises
    others: tuple[Party, ...]  # employers outside the partnership, East and West, some state-owned

    def pick(self, rng: random.Random, state_owned: bool | None = None) -> Party:
        """Sponsor first, then partners, then anyone; `state_owned` narrows the choice when it is given."""
        roll = rng.random()
        pools = [(self.sponsor,), self.partners, self.others]
        order = pools if roll < 0.55 else ([self.partners, self.others] if roll < 0.75 else [self.others])
        for pool in order + pools:
            fitting = [p for p in pool if state_owned is None or p.state_owned == state_owned]
            if fitting:
                return rng.choice(fitting)
        raise ValueError(f"no employer with state_owned={state_owned}")

    def other_than(self, rng: random.Random, party: Party) -> Party:
        return rng.choice([p for p in (self.sponsor, *self.partners, *self.others) if p.key != party.key])


@dataclass(frozen=True, slots=True)
class StudentContext:
    seed: int
    key: str
    partnership: Partnership
    school_class: SchoolClass
    sibling_classes: tuple[SchoolClass, ...]  # same partnership and programme: where transfers and restarts go
    employers: Employers
    school: Party
    home_region: str
    today: date
    mix: Mix
    all_graduates_employed: bool = False

    def rng(self, part: str) -> random.Random:
        # A string seed is hashed with SHA-512, so each part of each student has its own stable stream.
        return random.Random(f"{self.seed}/{self.key}/{part}")

    def upto_today(self, day: date) -> date:
        return min(day, self.today)


class FactWriter:
    """Appends facts with keys `<student>.<part><n>`, so regenerating one part keeps the other parts' keys."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.facts: list[Any] = []
        self.tags: set[str] = set()

    def add(self, kind: Callable[..., F], **fields: Any) -> F:
        fact = kind(key=f"{self.prefix}{len(self.facts)}", **fields)
        self.facts.append(fact)
        return fact

    def tag(self, *names: str) -> None:
        self.tags.update(names)
