"""The figures of one scope, in total and broken down by class, programme, home region, cohort year, poor-household
status and funding period, each provisional or final. Class-level figures have no home-region or poor-household
split, cost figures no split but by funding period (DOMAIN.md); every cell answers every metric of its dimension,
and both poor-household cells are always answered."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from simulation.ground_truth.costs import Money, cost_cells
from simulation.ground_truth.finality import is_final, provisional
from simulation.ground_truth.learner import Application, Learner
from simulation.ground_truth.metrics import (
    Context,
    admission_figures,
    class_figures,
    enrolment_figures,
    outcome_figures,
)
from simulation.ground_truth.numbers import Figure
from simulation.scenario import SchoolClass

T = TypeVar("T")
Figures = dict[str, Figure]
CLASS_DIMENSIONS = ("class", "programme", "cohort_year")
STUDENT_DIMENSIONS = ("home_region", "poor_household")
ALWAYS = {"poor_household": ("false", "true")}


@dataclass(slots=True)
class Scope:
    classes: list[SchoolClass] = field(default_factory=list)
    learners: list[Learner] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)
    funding: list[Money] = field(default_factory=list)
    checkpoints: tuple[int, ...] = (90, 180, 365)


@dataclass(frozen=True, slots=True)
class ScopeFigures:
    total: Figures
    breakdowns: dict[str, dict[str, Figures]]  # dimension -> bucket -> metric -> figure


def _group(items: Sequence[T], buckets: Sequence[str]) -> dict[str, list[T]]:
    groups: dict[str, list[T]] = {}
    for item, bucket in zip(items, buckets, strict=True):
        groups.setdefault(bucket, []).append(item)
    return groups


def _class_bucket(dimension: str, ctx: Context) -> Callable[[str], str]:
    def bucket(class_key: str) -> str:
        klass = ctx.classes[class_key]
        return {"class": klass.key, "programme": klass.programme, "cohort_year": str(klass.cohort_year)}[dimension]

    return bucket


def _student_bucket(dimension: str, home_region: str, poor: bool) -> str:
    return home_region if dimension == "home_region" else str(poor).lower()


def _settled(figures: Figures, pending: frozenset[str]) -> Figures:
    return {metric: figure.settled(is_final(metric, pending)) for metric, figure in figures.items()}


def _student_figures(
    learners: list[Learner], applications: list[Application], ctx: Context, checkpoints: tuple[int, ...]
) -> Figures:
    figures = admission_figures(applications)
    figures.update(enrolment_figures(learners))
    figures.update(outcome_figures(learners, ctx, checkpoints))
    return figures


def _cell(
    classes: list[SchoolClass],
    learners: list[Learner],
    applications: list[Application],
    ctx: Context,
    verified: dict[str, tuple[Decimal, Decimal]],
    checkpoints: tuple[int, ...],
    with_classes: bool,
) -> Figures:
    figures = class_figures(classes, learners, verified, ctx) if with_classes else {}
    figures.update(_student_figures(learners, applications, ctx, checkpoints))
    return _settled(figures, provisional(classes, learners, applications, ctx))


def scope_figures(scope: Scope, ctx: Context, verified: dict[str, tuple[Decimal, Decimal]]) -> ScopeFigures:
    total = _cell(scope.classes, scope.learners, scope.applications, ctx, verified, scope.checkpoints, True)
    costs, periods = cost_cells(scope.funding, scope.classes, scope.learners, ctx)
    total.update(costs)
    breakdowns: dict[str, dict[str, Figures]] = {"funding_period": periods}
    for dimension in CLASS_DIMENSIONS:
        bucket = _class_bucket(dimension, ctx)
        classes = _group(scope.classes, [bucket(c.key) for c in scope.classes])
        learners = _group(scope.learners, [bucket(s.class_key) for s in scope.learners])
        applications = _group(scope.applications, [bucket(a.class_key) for a in scope.applications])
        breakdowns[dimension] = {
            name: _cell(
                classes.get(name, []),
                learners.get(name, []),
                applications.get(name, []),
                ctx,
                verified,
                scope.checkpoints,
                True,
            )
            for name in sorted(set(classes) | set(learners) | set(applications))
        }
    for dimension in STUDENT_DIMENSIONS:
        learners = _group(scope.learners, [_student_bucket(dimension, s.home_region, s.poor) for s in scope.learners])
        applications = _group(
            scope.applications, [_student_bucket(dimension, a.home_region, a.poor) for a in scope.applications]
        )
        names = set(learners) | set(applications) | set(ALWAYS.get(dimension, ()))
        breakdowns[dimension] = {
            name: _cell([], learners.get(name, []), applications.get(name, []), ctx, verified, scope.checkpoints, False)
            for name in sorted(names)
        }
    return ScopeFigures(total, breakdowns)
