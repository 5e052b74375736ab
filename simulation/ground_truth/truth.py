"""The expected figures of every partnership as of D, from the scenario's facts, by plain code of its own.

It never imports services/assessment: two independent implementations of DOMAIN.md must agree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from simulation.ground_truth.learner import learner_as_of
from simulation.ground_truth.metrics import Context, verified_hours
from simulation.ground_truth.numbers import Figure
from simulation.ground_truth.resolve import resolve
from simulation.ground_truth.scopes import Scope, ScopeFigures, scope_figures
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
    children: tuple[str, ...]
    members: dict[str, int]
    figures: ScopeFigures
    targets: tuple[TargetTruth, ...]


@dataclass(frozen=True, slots=True)
class Truth:
    scenario: str
    seed: int
    as_of: date
    partnerships: dict[str, PartnershipTruth]

    def figure(self, partnership: str, metric: str) -> Figure:
        return self.partnerships[partnership].figures.total[metric]


def parent_on(p: Partnership, as_of: date) -> str | None:
    """The parent on D: the one signed with, unless an amendment dated by D moved the partnership."""
    parent = p.parent
    for amendment in sorted(p.amendments, key=lambda a: a.occurred_on):
        if amendment.occurred_on <= as_of:
            parent = amendment.parent
    return parent


def _members(p: Partnership, as_of: date) -> list[str]:
    return [m.party for m in p.members if m.joined_on <= as_of and (m.left_on is None or m.left_on > as_of)]


def _context(scenario: Scenario, as_of: date) -> Context:
    return Context(
        as_of=as_of,
        classes={c.key: c for c in scenario.classes},
        credit_codes={key: party.credit_code for key, party in scenario.parties.items()},
        partner_codes={
            p.key: frozenset(
                code
                for party in _members(p, as_of)
                if scenario.parties[party].role == "enterprise" and (code := scenario.parties[party].credit_code)
            )
            for p in scenario.partnerships
        },
        checkpoints={p.key: tuple(sorted(p.checkpoints)) for p in scenario.partnerships},
    )


def _own_scopes(scenario: Scenario, ctx: Context) -> dict[str, Scope]:
    scopes = {p.key: Scope(checkpoints=ctx.checkpoints[p.key]) for p in scenario.partnerships}
    for klass in scenario.classes:
        if klass.opened_on <= ctx.as_of:
            scopes[klass.partnership].classes.append(klass)
    for student in scenario.students:
        application, learner = learner_as_of(
            student.key, student.partnership, resolve(student.facts), ctx.as_of, ctx.checkpoints[student.partnership]
        )
        if application is not None:
            scopes[student.partnership].applications.append(application)
        if learner is not None:
            scopes[student.partnership].learners.append(learner)
    for p in scenario.partnerships:
        scopes[p.key].funding = sum((f.amount_yuan for f in p.funding if f.recorded_on <= ctx.as_of), Decimal(0))
    return scopes


def _pooled(own: Scope, children: list[Scope]) -> Scope:
    """Roll-ups pool students, classes and money; they never average rates or medians (DOMAIN.md)."""
    pooled = Scope(list(own.classes), list(own.learners), list(own.applications), own.funding, own.checkpoints)
    for child in children:
        pooled.classes += child.classes
        pooled.learners += child.learners
        pooled.applications += child.applications
        pooled.funding += child.funding
        pooled.checkpoints = tuple(sorted(set(pooled.checkpoints) | set(child.checkpoints)))
    return pooled


def _targets(p: Partnership, figures: ScopeFigures, as_of: date) -> tuple[TargetTruth, ...]:
    latest = {}
    for target in sorted((t for t in p.targets if t.set_on <= as_of), key=lambda t: t.set_on):  # stable
        latest[(target.metric, target.class_key)] = target
    result = []
    for target in latest.values():
        scope = figures.total if target.class_key is None else figures.breakdowns["class"].get(target.class_key, {})
        actual = scope.get(target.metric)
        value = actual.value if actual else None
        met = (
            None
            if value is None
            else (
                value >= Decimal(str(target.goal))
                if target.comparison == "at_least"
                else value <= Decimal(str(target.goal))
            )
        )
        result.append(
            TargetTruth(target.key, target.metric, target.comparison, target.goal, target.class_key, actual, met)
        )
    return tuple(result)


def compute_truth(scenario: Scenario, as_of: date) -> Truth:
    """As of D, with every fact of the scenario recorded (the driver posts them all before anyone asks)."""
    ctx = _context(scenario, as_of)
    own = _own_scopes(scenario, ctx)
    standing = resolve(scenario.class_facts)
    verified = verified_hours(
        [f for f in standing if isinstance(f, HoursLogged)],
        [f for f in standing if isinstance(f, HoursVerified)],
        as_of,
    )
    live = [p for p in scenario.partnerships if p.signed_on <= as_of]
    parents = {p.key: parent_on(p, as_of) for p in live}
    result: dict[str, PartnershipTruth] = {}
    for p in live:
        children = tuple(key for key, parent in parents.items() if parent == p.key)
        scope = _pooled(own[p.key], [own[c] for c in children])
        figures = scope_figures(scope, ctx, verified)
        roles = Counter(scenario.parties[party].role for party in _members(p, as_of))
        result[p.key] = PartnershipTruth(
            p.key, p.name, p.kind, parents[p.key], children, dict(roles), figures, _targets(p, figures, as_of)
        )
    return Truth(scenario.name, scenario.seed, as_of, result)
