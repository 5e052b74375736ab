"""Figures: pooled sums rendered as numerator, denominator and value, provisional or final (DOMAIN.md, "Rates")."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple

from services.assessment.metrics.catalog import (
    COST_METRICS,
    TOTAL,
    VERSIONS,
    Bucket,
    Dimension,
    Shape,
    cell_metrics,
)
from services.assessment.metrics.costs import cost_cells
from services.assessment.metrics.share import OPEN_CLASSES
from services.assessment.metrics.tally import Tally

_PLACES = 10_000
_QUANTUM = Decimal("0.0001")
_CENT_METRICS = frozenset({"enterprise_teaching_share", "cost_per_graduate", "cost_per_placement"})
ALWAYS_ANSWERED = ((Dimension.POOR_HOUSEHOLD, "false"), (Dimension.POOR_HOUSEHOLD, "true"))


class Figure(NamedTuple):
    """Immutable like a frozen dataclass, made four times faster (a flush renders tens of thousands a second, an
    answer 824 a metric version; issue 12)."""

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
    return half_up_ratio(value.numerator, value.denominator)


def half_up_ratio(numerator: int, denominator: int) -> Decimal:
    """`half_up(Fraction(numerator, denominator))` in integers (a flush rounds tens of thousands of figures);
    `denominator` is positive."""
    whole = (2 * abs(numerator) * _PLACES + denominator) // (2 * denominator)
    result = Decimal(whole).scaleb(-4)
    return (-result if numerator < 0 else result).quantize(_QUANTUM)


def median(values: Counter[int]) -> Fraction | None:
    """DOMAIN.md: the mean of the two middle values for an even count."""
    ordered = sorted(values.elements())
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Fraction(ordered[middle])
    return Fraction(ordered[middle - 1] + ordered[middle], 2)


def reading(
    shape: Shape, metric: str, numerator: int, denominator: int, samples: Counter[int] | None = None
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """DOMAIN.md: numerator ÷ denominator, null when the denominator is 0; an empty cell reads 0, 0, null."""
    if shape is Shape.MEDIAN:
        middle = median(samples or Counter())
        if middle is None:
            return Decimal(0), Decimal(0), None
        return None, Decimal(sum((samples or Counter()).values())), half_up(middle / 100)
    return _reading(shape, metric, numerator, denominator)


@lru_cache(maxsize=1 << 12)  # about 2 MB: the worker's memory per student is measured (bench (6))
def _reading(
    shape: Shape, metric: str, numerator: int, denominator: int
) -> tuple[Decimal, Decimal | None, Decimal | None]:
    """A count's or a ratio's reading, kept: most figures read one of a few (0 of 0, 1 of 2, ...), and a flush
    renders tens of thousands (Decimals are immutable, so one may stand in many figures)."""
    if shape is Shape.COUNT:
        return Decimal(numerator), None, Decimal(numerator)
    num_scale = 100 if metric in _CENT_METRICS else 1
    den_scale = 100 if metric == "enterprise_teaching_share" else 1
    value = None if denominator == 0 else _ratio(numerator * den_scale, denominator * num_scale)
    return Decimal(numerator) / num_scale, Decimal(denominator) / den_scale, value


def _ratio(numerator: int, denominator: int) -> Decimal:
    return half_up_ratio(-numerator, -denominator) if denominator < 0 else half_up_ratio(numerator, denominator)


def checkpoints_of(tally: Tally) -> tuple[int, ...]:
    """The check-points of every partnership pooled in the tally (each adds its own to the total cell)."""
    total = tally.sums.get(TOTAL, {})
    return tuple(sorted({int(m.split(".", 1)[1]) for m in total if m.startswith("job_retention.")}))


@lru_cache(maxsize=256)
def _rendered_metrics(dimension: Dimension, checkpoints: tuple[int, ...]) -> tuple[tuple[str, Shape], ...]:
    """A cell's metrics in the order figures are rendered, costs left out (they read the total cell's funding)."""
    return tuple(sorted((m, s) for m, s in cell_metrics(dimension, checkpoints).items() if m not in COST_METRICS))


def _cells(tally: Tally) -> list[Bucket]:
    """Every cell with a unit in it, the total, and both poor-household cells (a yes/no split always has two)."""
    cells = set(tally.sums) | set(tally.samples) | {TOTAL, *ALWAYS_ANSWERED}
    return sorted(cells)


_figure = tuple.__new__  # a Figure from its fields in order, without NamedTuple's __new__ in Python (a flush renders
# tens of thousands of figures a second)


def render(tally: Tally, scope: str, version: int, as_of: date, only: set[Bucket] | None = None) -> list[Figure]:
    """Every figure of every cell of the tally (DOMAIN.md: every breakdown cell is answered), or of the cells in
    `only`: a cell's figures read its own sums, and the check-points and the costs (of every funding period) read
    the total cell, so the cells a change touched are the figures it can move while the check-points stay."""
    checkpoints = checkpoints_of(tally) or VERSIONS[version].default_checkpoints
    figures: list[Figure] = []
    append, empty, median_shape = figures.append, [0, 0, 0], Shape.MEDIAN
    for bucket in _cells(tally) if only is None else sorted(only):
        dimension, name = bucket
        dimension_name = dimension.value
        metrics = tally.sums.get(bucket, {})
        samples = tally.samples.get(bucket, {})
        open_classes = metrics.get(OPEN_CLASSES, empty)[2]
        for metric, shape in _rendered_metrics(dimension, checkpoints):
            num, den, unsettled = metrics.get(metric, empty)
            if shape is median_shape:
                numerator, denominator, value = reading(shape, metric, num, den, samples.get(metric))
            else:
                numerator, denominator, value = _reading(shape, metric, num, den)
            final = unsettled == 0 and open_classes == 0
            append(_figure(Figure, (scope, dimension_name, name, metric, version, numerator, denominator, value,
                                    final, as_of)))  # fmt: skip
    for cost in cost_cells(tally) if only is None or TOTAL in only else ():
        numerator, denominator, value = reading(Shape.RATIO, cost.metric, cost.cents, cost.outcomes)
        dimension, name = cost.bucket
        figures.append(
            Figure(scope, dimension.value, name, cost.metric, version, numerator, denominator, value, cost.final, as_of)
        )
    return figures
