"""The two clocks of an "as of" question (DOMAIN.md, "Clocks, delivery, corrections")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.assessment.facts import epoch_micros

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True, slots=True)
class AsOf:
    """A fact counts when recorded before `cutoff` (epoch microseconds) and occurred on or before `day`."""

    day: int  # business date D as an ordinal
    cutoff: int

    @property
    def business_date(self) -> date:
        return date.fromordinal(self.day)

    @classmethod
    def of(cls, day: date, cutoff: datetime | None = None) -> AsOf:
        """As of D: recorded before D+1 00:00 Asia/Shanghai, unless another cutoff instant is given."""
        end = cutoff or datetime.combine(day + timedelta(days=1), time(0), tzinfo=SHANGHAI)
        return cls(day.toordinal(), epoch_micros(end))


def day_start(day: date) -> int:
    """The first instant of `day` in Asia/Shanghai, in epoch microseconds: the cutoff of the day before."""
    return AsOf.of(day - timedelta(days=1)).cutoff


def today_in_shanghai(now: datetime) -> date:
    return now.astimezone(SHANGHAI).date()
