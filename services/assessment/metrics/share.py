"""A unit's share of the figures, and the hidden tallies finality and cost per outcome read.

Names starting with "_" are never rendered as figures: they carry what several figures of a cell need.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from services.assessment.metrics.catalog import Bucket

Entry = tuple[int, int, int]  # numerator, denominator, units not yet settled (figure stays provisional)

# DOMAIN.md: final only when every class in scope is closed; counted per bucket, read by every figure in it.
OPEN_CLASSES = "_open_classes"
# Counted students still in training or in a class not yet closed: funding-period cells wait for them.
UNSETTLED = "_unsettled"
# Keyed counters of the total cell, from which the funding-period cells are computed for the whole scope:
FUNDING = "_funding"  # period key -> yuan cents
GRADUATED_ON = "_graduated_on"  # graduation day -> graduates
PLACED_BY_GRADUATION = "_placed_by_graduation"  # graduation day -> graduates placed
WINDOW_OPEN_BY_GRADUATION = "_window_open_by_graduation"  # graduation day -> graduates whose window is open
_PERIOD_BASE = 10_000_000  # above any date ordinal


def period_key(start: int, end: int) -> int:
    return start * _PERIOD_BASE + end


def period_of(key: int) -> tuple[int, int]:
    return divmod(key, _PERIOD_BASE)


def period_label(key: int) -> str:
    start, end = period_of(key)
    return f"{date.fromordinal(start)}..{date.fromordinal(end)}"


@dataclass(slots=True)
class Contribution:
    buckets: tuple[Bucket, ...] = ()
    values: dict[str, Entry] = field(default_factory=dict)  # added to every bucket
    samples: dict[str, int] = field(default_factory=dict)  # median metric -> one value, in every bucket
    extra: list[tuple[Bucket, str, Entry]] = field(default_factory=list)  # one bucket only
    marks: list[tuple[str, int, int]] = field(default_factory=list)  # (counter, key, weight), total cell only

    def add(self, metric: str, numerator: int, denominator: int, unsettled: bool | int = 0) -> None:
        num, den, open_ = self.values.get(metric, (0, 0, 0))
        self.values[metric] = (num + numerator, den + denominator, open_ + int(unsettled))
