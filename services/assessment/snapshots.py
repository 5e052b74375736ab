"""Monthly and yearly snapshots: the figures as of the period's last day, frozen with their metric version."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from services.assessment.metrics.catalog import VERSIONS
from services.assessment.metrics.clock import AsOf
from services.assessment.metrics.figures import Figure
from services.assessment.metrics.scope import figures, rollup_figures
from services.assessment.records import Record
from services.assessment.store import last_day_of


def period_kind(period: str) -> str:
    return "yearly" if len(period) == 4 else "monthly"


def snapshot_figures(records: Iterable[Record], period: str) -> list[Figure]:
    as_of = AsOf.of(last_day_of(period))
    pool = list(records)
    return [f for version in VERSIONS for f in figures(pool, as_of, version)]


def snapshot_rollup(records: Iterable[Record], parent_id: object, period: str) -> list[Figure]:
    as_of = AsOf.of(last_day_of(period))
    pool = list(records)
    return [f for version in VERSIONS for f in rollup_figures(pool, parent_id, as_of, version)]  # type: ignore[arg-type]


def due_periods(previous: date, today: date) -> list[tuple[str, str]]:
    """Periods that ended between two business days (a month, and a year at new year)."""
    if (previous.year, previous.month) == (today.year, today.month) or today < previous:
        return []
    due = [("monthly", f"{previous.year:04d}-{previous.month:02d}")]
    if previous.year != today.year:
        due.append(("yearly", f"{previous.year:04d}"))
    return due
