"""Cost per outcome (DOMAIN.md): all funding recorded for the scope, corrections applied, ÷ its graduates and ÷ its
placements; by funding period: that period's funding ÷ the graduates whose graduation date falls in the period,
and ÷ those of them placed (the period's exit cohort). No poor-household or class split."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from simulation.ground_truth.finality import unsettled
from simulation.ground_truth.learner import Learner, State
from simulation.ground_truth.metrics import Context
from simulation.ground_truth.numbers import Figure, rate
from simulation.scenario import SchoolClass

Figures = dict[str, Figure]


@dataclass(frozen=True, slots=True)
class Money:
    """One funding record as known on D: its period and its (corrected) amount in yuan."""

    period_start: date
    period_end: date
    amount: Decimal

    @property
    def label(self) -> str:
        return f"{self.period_start}..{self.period_end}"


def _costs(money: Decimal, graduates: Sequence[Learner], final: bool) -> Figures:
    placed = sum(1 for s in graduates if s.placement is not None)
    return {
        "cost_per_graduate": rate(money, len(graduates)).settled(final),
        "cost_per_placement": rate(money, placed).settled(final),
    }


def cost_cells(
    funding: Sequence[Money], classes: Sequence[SchoolClass], learners: Sequence[Learner], ctx: Context
) -> tuple[Figures, dict[str, Figures]]:
    """The total cell's cost figures, and one cell per funding period."""
    counted = [s for s in learners if not s.excluded]
    graduates = [s for s in counted if s.state is State.GRADUATED and s.graduated_on is not None]
    # Classes still open or students still in training may yet graduate into any period.
    settled = all(c.key in ctx.closed for c in classes) and not any(unsettled(s, ctx) for s in counted)

    def window_passed(cohort: Sequence[Learner]) -> bool:
        return all(s.graduated_on + timedelta(days=ctx.window) <= ctx.as_of for s in cohort if s.graduated_on)

    total = _costs(sum((m.amount for m in funding), Decimal(0)), graduates, settled and window_passed(graduates))
    periods: dict[tuple[date, date], Decimal] = {}
    for m in funding:
        periods[(m.period_start, m.period_end)] = periods.get((m.period_start, m.period_end), Decimal(0)) + m.amount
    cells: dict[str, Figures] = {}
    for (start, end), amount in sorted(periods.items()):
        cohort = [s for s in graduates if s.graduated_on is not None and start <= s.graduated_on <= end]
        cells[Money(start, end, amount).label] = _costs(amount, cohort, settled and window_passed(cohort))
    return total, cells
