"""The expected figures of every partnership as of D, from the scenario's facts, by plain code of its own.

It never imports services/assessment: two independent implementations of DOMAIN.md must agree. As of D means both
clocks: a fact counts once it was recorded by the end of D (the scenario's stamps, simulation/recording.py) and, but
for corrections and retractions, which apply back to the original date, once its business date is D or earlier.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from simulation.ground_truth.costs import Money
from simulation.ground_truth.known import Known
from simulation.ground_truth.learner import learner_as_of
from simulation.ground_truth.metrics import Context, verified_hours
from simulation.ground_truth.numbers import Figure
from simulation.ground_truth.resolve import resolve
from simulation.ground_truth.scopes import Scope, ScopeFigures, scope_figures
from simulation.ground_truth.work import EMPLOYMENT_WINDOW_DAYS
from simulation.scenario import HoursLogged, HoursVerified, Partnership, Scenario


@dataclass(frozen=True, slots=True)
class TargetTruth:
    key: str
    metric: str
    comparison: str
    goal: float
    class_key: str | None
    actual: Figure | None
    met: bool | None


@dataclass(frozen=True, slots=True)
class PartnershipTruth:
    key: str
    name: str
    kind: str
    parent: str | None
    children: tuple[str, ...]  # every partnership below it on D, at any depth
    members: dict[str, int]
    figures: ScopeFigures
    targets: tuple[TargetTruth, ...]


@dataclass(frozen=True, slots=True)
class Truth:
    scenario: str
    seed: int
    as_of: date
    partnerships: dict[str, PartnershipTruth]

    version: int = 1

    def figure(self, partnership: str, metric: str) -> Figure:
        return self.partnerships[partnership].figures.total[metric]


def parent_on(p: Partnership, known: Known) -> str | None:
    """The parent on D: the one signed with, unless an amendment dated and recorded by D moved the partnership."""
    parent = p.parent
    for amendment in sorted(p.amendments, key=lambda a: a.occurred_on):
        if known.has(amendment.key, amendment.occurred_on):
            parent = amendment.parent
    return parent


def _members(p: Partnership, known: Known) -> list[str]:
    return [
        m.party
        for m in p.members
        if known.has(f"{p.key}.member.{m.party}", m.joined_on)
        and not (m.left_on and known.has(f"{p.key}.member.{m.party}.left", m.left_on))
    ]


def _closed(scenario: Scenario, known: Known) -> frozenset[str]:
    return frozenset(
        c.key for c in scenario.classes if c.closed_on is not None and known.has(f"{c.key}.closed", c.closed_on)
    )


def _context(scenario: Scenario, known: Known, window: int) -> Context:
    return Context(
        as_of=known.as_of,
        classes={c.key: c for c in scenario.classes},
        credit_codes={key: party.credit_code for key, party in scenario.parties.items()},
        partner_codes={
            p.key: frozenset(
                code
                for party in _members(p, known)
                if scenario.parties[party].role == "enterprise" and (code := scenario.parties[party].credit_code)
            )
            for p in scenario.partnerships
        },
        checkpoints={p.key: tuple(sorted(p.checkpoints)) for p in scenario.partnerships},
        closed=_closed(scenario, known),
        window=window,
    )


def _funding(p: Partnership, known: Known) -> list[Money]:
    """Funding recorded by D with the corrections recorded by D applied field by field (DOMAIN.md)."""
    fields: dict[str, dict[str, Any]] = {}
    for correction in p.corrections:
        if known.recorded(correction.key, correction.occurred_on):
            fields.setdefault(correction.target, {}).update(correction.fields)
    found = []
    for funding in p.funding:
        if known.has(funding.key, funding.recorded_on):
            amount = Decimal(str(fields.get(funding.key, {}).get("amount_yuan", funding.amount_yuan)))
            found.append(Money(funding.period_start, funding.period_end, amount))
    return found


def _own_scopes(scenario: Scenario, ctx: Context, known: Known) -> dict[str, Scope]:
    scopes = {p.key: Scope(checkpoints=ctx.checkpoints[p.key]) for p in scenario.partnerships}
    for klass in scenario.classes:
        if known.has(f"{klass.key}.opened", klass.opened_on):
            scopes[klass.partnership].classes.append(klass)
    for student in scenario.students:
        facts = resolve([f for f in student.facts if known.recorded(f.key, f.occurred_on)])
        home = student.partnership
        application, learner = learner_as_of(student.key, home, facts, ctx.as_of, ctx.checkpoints[home], ctx.window)
        if learner is not None and ctx.classes[learner.class_key].partnership != home:
            home = ctx.classes[learner.class_key].partnership  # moved: counted with its new partnership's terms
            _, learner = learner_as_of(student.key, home, facts, ctx.as_of, ctx.checkpoints[home], ctx.window)
        # DOMAIN.md: an application counts where it was made; a student where their latest period started (a
        # transfer or restart into a class of another partnership moves them there from the first day).
        if application is not None:
            scopes[ctx.classes[application.class_key].partnership].applications.append(application)
        if learner is not None:
            scopes[ctx.classes[learner.class_key].partnership].learners.append(learner)
    for p in scenario.partnerships:
        scopes[p.key].funding = _funding(p, known)
    return scopes


def _pooled(own: Scope, members: list[Scope]) -> Scope:
    """Roll-ups pool students, classes and money; they never average rates or medians (DOMAIN.md)."""
    pooled = Scope(list(own.classes), list(own.learners), list(own.applications), list(own.funding), own.checkpoints)
    for member in members:
        pooled.classes += member.classes
        pooled.learners += member.learners
        pooled.applications += member.applications
        pooled.funding += member.funding
        pooled.checkpoints = tuple(sorted(set(pooled.checkpoints) | set(member.checkpoints)))
    return pooled


def _below(parent: str, parents: dict[str, str | None]) -> tuple[str, ...]:
    """Every partnership below `parent` on D, at any depth."""
    found: list[str] = []
    pending = [key for key, above in parents.items() if above == parent]
    while pending:
        key = pending.pop(0)
        if key not in found and key != parent:
            found.append(key)
            pending += [child for child, above in parents.items() if above == key]
    return tuple(found)


def _targets(p: Partnership, figures: ScopeFigures, known: Known) -> tuple[TargetTruth, ...]:
    latest = {}
    for target in sorted((t for t in p.targets if known.has(t.key, t.set_on)), key=lambda t: t.set_on):  # stable
        latest[(target.metric, target.class_key)] = target
    result = []
    for target in latest.values():
        scope = figures.total if target.class_key is None else figures.breakdowns["class"].get(target.class_key, {})
        actual = scope.get(target.metric)
        value = actual.value if actual else None
        goal = Decimal(str(target.goal))
        met = None if value is None else (value >= goal if target.comparison == "at_least" else value <= goal)
        result.append(
            TargetTruth(target.key, target.metric, target.comparison, target.goal, target.class_key, actual, met)
        )
    return tuple(result)


def compute_truth(scenario: Scenario, as_of: date, version: int = 1) -> Truth:
    """As of D in metric version `version`, from the facts recorded by the end of D (scenario.recorded; a fact
    without a stamp counts as recorded on its business date)."""
    known = Known(as_of, scenario.recorded)
    ctx = _context(scenario, known, EMPLOYMENT_WINDOW_DAYS[version])
    own = _own_scopes(scenario, ctx, known)
    standing = resolve([f for f in scenario.class_facts if known.recorded(f.key, f.occurred_on)])
    verified = verified_hours(
        [f for f in standing if isinstance(f, HoursLogged)],
        [f for f in standing if isinstance(f, HoursVerified)],
        as_of,
    )
    live = [p for p in scenario.partnerships if known.has(f"{p.key}.signed", p.signed_on)]
    parents = {p.key: parent_on(p, known) for p in live}
    result: dict[str, PartnershipTruth] = {}
    for p in live:
        below = _below(p.key, parents)
        figures = scope_figures(_pooled(own[p.key], [own[c] for c in below]), ctx, verified)
        roles = Counter(scenario.parties[party].role for party in _members(p, known))
        result[p.key] = PartnershipTruth(
            p.key, p.name, p.kind, parents[p.key], below, dict(roles), figures, _targets(p, figures, known)
        )
    return Truth(scenario.name, scenario.seed, as_of, result, version)
