"""Business dates are Asia/Shanghai dates (DOMAIN.md, counting rules: as of D means before D+1 00:00 there).

The clock is injected (a `Clock`), so the rules that depend on "today" are unit tests with a fixed date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from shared.errors import InvalidFact

BUSINESS_TZ = ZoneInfo("Asia/Shanghai")
EARLIEST_BUSINESS_DATE = date(1949, 10, 1)


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that reads what it was set to; tests move it."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


def business_today(at: datetime) -> date:
    return at.astimezone(BUSINESS_TZ).date()


def not_in_future(occurred_on: date, recorded_at: datetime) -> date:
    """Facts may be back-dated but never dated after the day they are recorded."""
    if occurred_on > business_today(recorded_at):
        raise InvalidFact(f"occurred_on {occurred_on} is in the future")
    return occurred_on
