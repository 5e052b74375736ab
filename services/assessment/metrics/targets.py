"""Targets: the latest target for a metric and scope, its actual figure and whether it is met (DOMAIN.md)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from services.assessment.metrics.context import Target
from services.assessment.metrics.figures import Figure


@dataclass(frozen=True, slots=True)
class TargetStatus:
    target: Target
    actual: Decimal | None
    met: bool | None  # null when the figure is null
    figure: Figure | None = None  # what the target measures, with its status (provisional or final)


def evaluate(targets: tuple[Target, ...], figures: list[Figure]) -> list[TargetStatus]:
    by_key = {(f.dimension, f.bucket, f.metric): f for f in figures}
    statuses = []
    for target in targets:
        key = ("class", target.class_id.hex(), target.metric) if target.class_id else ("total", "", target.metric)
        figure = by_key.get(key)
        actual = figure.value if figure else None
        met = None
        if actual is not None:
            goal = Decimal(str(target.goal))
            met = actual >= goal if target.comparison == "at_least" else actual <= goal
        statuses.append(TargetStatus(target, actual, met, figure))
    return statuses
