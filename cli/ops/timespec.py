"""`--since` / `--until` values: an ISO date or date-time (UTC unless it says otherwise), or an age like `15m`."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import typer

_AGE = re.compile(r"^(\d+)([smhd])$")
_SECONDS = {"s": 1, "m": 60, "h": 3_600, "d": 86_400}


def parse_moment(text: str | None, now: datetime | None = None) -> datetime | None:
    if text is None:
        return None
    age = _AGE.match(text.strip())
    if age:
        return (now or datetime.now(UTC)) - timedelta(seconds=int(age[1]) * _SECONDS[age[2]])
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is neither an ISO date-time nor an age like 15m, 2h, 3d") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
