"""When each fact of a scenario was recorded: the second clock of DOMAIN.md, posted through the operator import.

Schools and employers report late: a placement weeks after the job started, a withdrawal the school noticed a month
on, a class closed in the register some days after its last lesson, an alliance's new member booked a month after it
joined. So as-of figures at past dates differ from what the business dates alone would give. Every stamp is
deterministic (seeded by the fact's key), never before the fact's business date and never after the scenario's last
day; a student's stamps, and a class's hours, rise in the order their facts were written (a retraction or
correction is recorded after what it targets; a placement after the graduation it follows).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from simulation import facts as f
from simulation.scenario import EventCorrected, EventRetracted, ExclusionApplied, ExclusionRevoked, Scenario

SHANGHAI = ZoneInfo("Asia/Shanghai")
_DAY_STARTS = time(9, 0)
_LAST_STAMP = time(10, 0)  # on the scenario's last day: before a service pinned to noon of that day
Stamps = dict[str, datetime]

# Days a report may lag its business date, by kind of fact (inclusive ranges).
_LAG: dict[type, tuple[int, int]] = {
    f.Graduated: (0, 6),
    f.CertificateAwarded: (0, 20),
    f.Placed: (3, 45),
    f.FurtherStudyEntered: (0, 30),
    f.RetentionChecked: (0, 30),
    f.EmploymentEnded: (0, 30),
    f.HouseholdStatusUpdated: (0, 40),
    ExclusionApplied: (0, 10),
    ExclusionRevoked: (0, 10),
    EventCorrected: (0, 0),
    EventRetracted: (0, 0),
}
_DEFAULT_LAG = (0, 3)
CLOSING_LAG = (0, 12)  # a class is closed in the register some days after its last lesson
AMENDMENT_LAG = (20, 40)  # a partnership's move under another parent is booked weeks later, back-dated


def at(day: date, moment: time = _DAY_STARTS) -> datetime:
    return datetime.combine(day, moment, tzinfo=SHANGHAI)


def recorded_day(stamp: datetime) -> date:
    """The business day a stamp falls on: it counts as of that day (recorded before D+1 00:00 Asia/Shanghai)."""
    return stamp.astimezone(SHANGHAI).date()


class _Clock:
    def __init__(self, seed: int, last_day: date) -> None:
        self.seed, self.last_day = seed, last_day

    def stamp(self, key: str, day: date, lag: tuple[int, int], after: datetime | None = None) -> datetime:
        rng = random.Random(f"{self.seed}/{key}/recorded")
        reported = min(day + timedelta(days=rng.randint(*lag)), self.last_day)
        moment = _LAST_STAMP if reported == self.last_day else time(9 + rng.randint(0, 8), rng.randint(0, 59))
        stamp = at(reported, moment)
        if after is not None and stamp <= after:
            stamp = after + timedelta(seconds=1)
        return stamp

    def chain(self, facts: Iterable[Any], lag_of: Any) -> Stamps:
        """Rising stamps for facts written in causal order."""
        stamps: Stamps = {}
        previous: datetime | None = None
        for fact in facts:
            previous = self.stamp(fact.key, _reported_on(fact), lag_of(fact), previous)
            stamps[fact.key] = previous
        return stamps


def _reported_on(fact: Any) -> date:
    reported = getattr(fact, "reported_on", None)
    return reported if isinstance(reported, date) else fact.occurred_on


def _student_lag(fact: Any) -> tuple[int, int]:
    if getattr(fact, "reported_on", None) is not None:
        return 0, 0  # the day the school reported it is written on the fact
    return _LAG.get(type(fact), _DEFAULT_LAG)


def stamp_history(scenario: Scenario) -> Stamps:
    """Every fact's recorded_at, keyed as the driver keys its calls (simulation/calls.py)."""
    clock = _Clock(scenario.seed, scenario.generated_on)
    stamps: Stamps = {}
    for p in scenario.partnerships:
        stamps[f"{p.key}.signed"] = at(p.signed_on)
        for m in p.members:
            stamps[f"{p.key}.member.{m.party}"] = at(m.joined_on)
            if m.left_on:
                stamps[f"{p.key}.member.{m.party}.left"] = at(m.left_on)
        for g in p.programmes:
            stamps[g.key] = at(g.registered_on)
        for a in p.amendments:
            stamps[a.key] = clock.stamp(a.key, a.occurred_on, AMENDMENT_LAG)
        for t in p.targets:
            stamps[t.key] = at(t.set_on)
        for funding in p.funding:
            stamps[funding.key] = at(funding.recorded_on)
        for correction in p.corrections:
            stamps[correction.key] = at(correction.occurred_on, time(15, 0))
        if p.ended_on:
            stamps[f"{p.key}.ended"] = at(p.ended_on)
    for klass in scenario.classes:
        stamps[f"{klass.key}.opened"] = at(klass.opened_on, time(8, 0))
        stamps[f"{klass.key}.plan"] = at(min(klass.opened_on + timedelta(days=5), scenario.generated_on), time(8, 30))
        if klass.closed_on:
            stamps[f"{klass.key}.closed"] = clock.stamp(f"{klass.key}.closed", klass.closed_on, CLOSING_LAG)
    chains: dict[str, list[Any]] = {}
    for fact in scenario.class_facts:  # a class's logs, verifications and their follow-ups, in the order written
        chains.setdefault(fact.key.rsplit(".h", 1)[0], []).append(fact)
    for chain in chains.values():
        stamps.update(clock.chain(chain, lambda _: _DEFAULT_LAG))
    for student in scenario.students:
        stamps.update(clock.chain(student.facts, _student_lag))
    return stamps
