"""The figures of one scope, in total and broken down by class, programme, home region, cohort year and
poor-household status. Class-level figures have no home-region or poor-household split (DOMAIN.md)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from simulation.ground_truth.learner import Application, Learner
from simulation.ground_truth.metrics import (
    Context,
    admission_figures,
    class_figures,
    cost_figures,
    enrolment_figures,
    outcome_figures,
)
from simulation.ground_truth.numbers import Figure
from simulation.scenario import SchoolClass

T = TypeVar("T")
Figures = dict[str, Figure]
CLASS_DIMENSIONS = ("class", "programme", "cohort_year")
STUDENT_DIMENSIONS = ("home_region", "poor_household")


@dataclass(slots=True)
class Scope:
    classes: list[SchoolClass] = field(default_factory=list)
    learners: list[Learner] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)
    funding: Decimal = Decimal(0)
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


def _student_figures(
    learners: list[Learner], applications: list[Application], ctx: Context, checkpoints: tuple[int, ...]
) -> Figures:
    figures = admission_figures(applications)
    figures.update(enrolment_figures(learners))
    figures.update(outcome_figures(learners, ctx, checkpoints))
    return figures


def scope_figures(scope: Scope, ctx: Context, verified: dict[str, tuple[Decimal, Decimal]]) -> ScopeFigures:
    total = class_figures(scope.classes, scope.learners, verified, ctx.as_of)
    total.update(_student_figures(scope.learners, scope.applications, ctx, scope.checkpoints))
    total.update(cost_figures(scope.funding, total))
    breakdowns: dict[str, dict[str, Figures]] = {}
    for dimension in CLASS_DIMENSIONS:
        bucket = _class_bucket(dimension, ctx)
        classes = _group(scope.classes, [bucket(c.key) for c in scope.classes])
        learners = _group(scope.learners, [bucket(s.class_key) for s in scope.learners])
        applications = _group(scope.applications, [bucket(a.class_key) for a in scope.applications])
        buckets: dict[str, Figures] = {}
        for name in sorted(set(classes) | set(learners) | set(applications)):
            figures = class_figures(classes.get(name, []), learners.get(name, []), verified, ctx.as_of)
            figures.update(_student_figures(learners.get(name, []), applications.get(name, []), ctx, scope.checkpoints))
            buckets[name] = figures
        breakdowns[dimension] = buckets
    for dimension in STUDENT_DIMENSIONS:
        learners = _group(scope.learners, [_student_bucket(dimension, s.home_region, s.poor) for s in scope.learners])
        applications = _group(
            scope.applications, [_student_bucket(dimension, a.home_region, a.poor) for a in scope.applications]
        )
        breakdowns[dimension] = {
            name: _student_figures(learners.get(name, []), applications.get(name, []), ctx, scope.checkpoints)
            for name in sorted(set(learners) | set(applications))
        }
    return ScopeFigures(total, breakdowns)
