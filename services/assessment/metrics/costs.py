"""Cost per outcome (DOMAIN.md): all funding recorded for the scope ÷ its graduates, and ÷ its placements; by
funding period: that period's funding ÷ the graduates whose graduation falls in the period (the period's exit
cohort, as WIOA's programme-year cost per participant), and ÷ those of them placed.

Computed for the whole scope from counters in its total cell, so a roll-up counts every graduate of the period
whichever partnership paid: it pools funding and outcomes, the parent's own funding included.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from services.assessment.metrics.catalog import TOTAL, Bucket, Dimension
from services.assessment.metrics.share import (
    FUNDING,
    GRADUATED_ON,
    OPEN_CLASSES,
    PLACED_BY_GRADUATION,
    UNSETTLED,
    WINDOW_OPEN_BY_GRADUATION,
    period_label,
    period_of,
)
from services.assessment.metrics.tally import Tally


@dataclass(frozen=True, slots=True)
class CostCell:
    bucket: Bucket
    metric: str
    cents: int
    outcomes: int
    final: bool


def _within(counter: Counter[int], start: int, end: int) -> int:
    return sum(n for day, n in counter.items() if start <= day <= end)


def cost_cells(tally: Tally) -> list[CostCell]:
    counters = tally.samples.get(TOTAL, {})
    funding = counters.get(FUNDING, Counter())
    graduated = counters.get(GRADUATED_ON, Counter())
    placed = counters.get(PLACED_BY_GRADUATION, Counter())
    waiting = counters.get(WINDOW_OPEN_BY_GRADUATION, Counter())
    sums = tally.sums.get(TOTAL, {})
    # Classes still open or students still in training may yet graduate into any period.
    settled = sums.get(OPEN_CLASSES, [0, 0, 0])[2] == 0 and sums.get(UNSETTLED, [0, 0, 0])[2] == 0
    cells: list[CostCell] = []
    whole = sum(funding.values())
    final = settled and not waiting
    cells.append(CostCell(TOTAL, "cost_per_graduate", whole, sum(graduated.values()), final))
    cells.append(CostCell(TOTAL, "cost_per_placement", whole, sum(placed.values()), final))
    for key, cents in sorted(funding.items()):
        start, end = period_of(key)
        bucket = (Dimension.FUNDING_PERIOD, period_label(key))
        final = settled and _within(waiting, start, end) == 0
        cells.append(CostCell(bucket, "cost_per_graduate", cents, _within(graduated, start, end), final))
        cells.append(CostCell(bucket, "cost_per_placement", cents, _within(placed, start, end), final))
    return cells
