"""Business dates are Asia/Shanghai dates (DOMAIN.md, counting rules: as of D means before D+1 00:00 there)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from shared.web.errors import InvalidFact

BUSINESS_TZ = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    return datetime.now(UTC)


def business_today(at: datetime | None = None) -> date:
    return (at or now()).astimezone(BUSINESS_TZ).date()


def not_in_future(occurred_on: date, recorded_at: datetime) -> date:
    """Facts may be back-dated but never dated after the day they are recorded."""
    if occurred_on > business_today(recorded_at):
        raise InvalidFact(f"occurred_on {occurred_on} is in the future")
    return occurred_on
