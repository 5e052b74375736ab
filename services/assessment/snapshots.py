"""Monthly and yearly snapshots: the figures as of the period's last day, frozen with their metric version.

A period is frozen only once it has ended (a month or a year still running would freeze figures that can still
move with no correction); partnerships, and alliances and programmes as their roll-ups (issue 14).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from services.assessment.metrics.catalog import VERSIONS
from services.assessment.metrics.clock import AsOf
from services.assessment.metrics.figures import Figure
from services.assessment.metrics.scope import below, children_on, figures, group, partnership_context, rollup_figures
from services.assessment.records import Record

_PERIOD = re.compile(r"(\d{4})(?:-(\d{2}))?")
PARENT_KINDS = frozenset({"alliance", "programme"})


class InvalidPeriod(ValueError):
    code = "invalid_period"


class PeriodNotEnded(ValueError):
    code = "period_not_ended"


@dataclass(frozen=True, slots=True)
class Period:
    kind: str  # "monthly" or "yearly"
    label: str  # "2025-06" or "2025"
    last_day: date


def period_of(label: str) -> Period:
    """'2025-06' (a month) or '2025' (a year); anything else is refused."""
    found = _PERIOD.fullmatch(label)
    if found is None or int(found[1]) < 1:
        raise InvalidPeriod(f"{label!r} is no period: a month is YYYY-MM, a year YYYY")
    year = int(found[1])
    if found[2] is None:
        return Period("yearly", label, date(year, 12, 31))
    month = int(found[2])
    if not 1 <= month <= 12:
        raise InvalidPeriod(f"{label!r} is no period: the month must be 01 to 12")
    return Period("monthly", label, date(year, month, calendar.monthrange(year, month)[1]))


def ended_period(label: str, today: date) -> Period:
    period = period_of(label)
    if period.last_day >= today:
        raise PeriodNotEnded(f"{label} ends on {period.last_day}: it can be frozen from the day after")
    return period


def snapshot_figures(records: Iterable[Record], period: str) -> list[Figure]:
    """Every partnership's figures as of the period's last day."""
    as_of = AsOf.of(period_of(period).last_day)
    pool = list(records)
    return [f for version in VERSIONS for f in figures(pool, as_of, version)]


def snapshot_rollup(records: Iterable[Record], parent_id: UUID, period: str) -> list[Figure]:
    as_of = AsOf.of(period_of(period).last_day)
    pool = list(records)
    return [f for version in VERSIONS for f in rollup_figures(pool, parent_id, as_of, version)]


def rollup_members(records: Iterable[Record], as_of: AsOf) -> dict[UUID, list[UUID]]:
    """The roll-ups a period freezes, each with every partnership below it on D at any depth: every alliance and
    programme, and every partnership with members. Partnership records are enough to tell."""
    grouped = group(records)
    children = children_on(grouped, as_of)  # once: a parent's members are found from it in a few steps
    found: dict[UUID, list[UUID]] = {}
    for pid, grouped_records in grouped.items():
        members = below(children, pid)
        if members or partnership_context(grouped_records, as_of, VERSIONS[1]).kind in PARENT_KINDS:
            found[pid] = members
    return found


def frozen_rollups(records: Iterable[Record], period: str, parents: Iterable[UUID]) -> list[Figure]:
    """The parents' roll-ups as of the period's last day; `records` hold each parent's and its members' records."""
    pool = list(records)
    return [f for parent in parents for f in snapshot_rollup(pool, parent, period)]


def frozen_figures(records: Iterable[Record], period: str) -> list[Figure]:
    """What a period freezes: every partnership, and the roll-up of every alliance, programme or partnership with
    members on the period's last day. `records` are all the records there are."""
    pool = list(records)
    parents = rollup_members(pool, AsOf.of(period_of(period).last_day))
    return snapshot_figures(pool, period) + frozen_rollups(pool, period, parents)


def due_periods(previous: date, today: date) -> list[tuple[str, str]]:
    """Periods that ended between two business days (a month, and a year at new year)."""
    if (previous.year, previous.month) == (today.year, today.month) or today < previous:
        return []
    due = [("monthly", f"{previous.year:04d}-{previous.month:02d}")]
    if previous.year != today.year:
        due.append(("yearly", f"{previous.year:04d}"))
    return due
