"""Figures: pooled sums rendered as numerator, denominator and value, provisional or final (DOMAIN.md, "Rates")."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from services.assessment.metrics.catalog import (
    CLASS_DIMENSIONS,
    CLASS_METRICS,
    Dimension,
    Shape,
    metric_shapes,
)
from services.assessment.metrics.contribution import OPEN_CLASSES
from services.assessment.metrics.tally import Tally

_PLACES = 10_000
_CENT_METRICS = frozenset({"enterprise_teaching_share", "cost_per_graduate", "cost_per_placement"})


@dataclass(frozen=True, slots=True)
class Figure:
    scope: str  # "partnership:<uuid>" or "rollup:<uuid>"
    dimension: str
    bucket: str
    metric: str
    version: int
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    final: bool
    as_of: date

    @property
    def key(self) -> tuple[str, str, str, str, int]:
        return self.scope, self.dimension, self.bucket, self.metric, self.version

    @property
    def reading(self) -> tuple[Decimal | None, Decimal | None, Decimal | None, bool]:
        return self.numerator, self.denominator, self.value, self.final


def half_up(value: Fraction) -> Decimal:
    """Rounded half-up (away from zero) to 4 decimals, exactly."""
    scaled = abs(value) * _PLACES
    whole = int(scaled + Fraction(1, 2))
    result = Decimal(whole) / _PLACES
    return (-result if value < 0 else result).quantize(Decimal("0.0001"))


def median(values: Counter[int]) -> Fraction | None:
    """DOMAIN.md: the mean of the two middle values for an even count."""
    ordered = sorted(values.elements())
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Fraction(ordered[middle])
    return Fraction(ordered[middle - 1] + ordered[middle], 2)


def shape_of(metric: str) -> Shape:
    if metric.startswith(("job_retention.", "same_employer_retention.", "placement_location_share.")):
        return Shape.RATE
    if metric.startswith("starting_wage_median"):
        return Shape.MEDIAN
    return metric_shapes(())[metric]


def _reading(
    shape: Shape, metric: str, entry: list[int], samples: Counter[int] | None
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    num, den = entry[0], entry[1]
    if shape is Shape.COUNT:
        return Decimal(num), None, Decimal(num)
    if shape is Shape.MEDIAN:
        middle = median(samples or Counter())
        count = sum((samples or Counter()).values())
        return None, Decimal(count), None if middle is None else half_up(middle / 100)
    num_scale = 100 if metric in _CENT_METRICS else 1
    den_scale = 100 if metric == "enterprise_teaching_share" else 1
    numerator, denominator = Decimal(num) / num_scale, Decimal(den) / den_scale
    value = None if den == 0 else half_up(Fraction(num, num_scale) / Fraction(den, den_scale))
    return numerator, denominator, value


def render(tally: Tally, scope: str, version: int, as_of: date, checkpoints: tuple[int, ...]) -> list[Figure]:
    figures: list[Figure] = []
    expected = metric_shapes(checkpoints)
    for bucket, metrics in sorted(tally.sums.items()):
        dimension, name = bucket
        samples = tally.samples.get(bucket, {})
        names = set(metrics) | set(samples)
        if dimension is Dimension.TOTAL:
            names |= set(expected)
        names.discard(OPEN_CLASSES)
        open_classes = metrics.get(OPEN_CLASSES, [0, 0, 0])[2]
        for metric in sorted(names):
            if metric in CLASS_METRICS and dimension not in CLASS_DIMENSIONS:
                continue
            shape = expected.get(metric) or shape_of(metric)
            entry = metrics.get(metric, [0, 0, 0])
            numerator, denominator, value = _reading(shape, metric, entry, samples.get(metric))
            final = entry[2] == 0 and open_classes == 0
            figures.append(
                Figure(scope, dimension.value, name, metric, version, numerator, denominator, value, final, as_of)
            )
    return figures
