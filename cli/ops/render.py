"""Numbers and times the way operators read them."""

from __future__ import annotations

from datetime import datetime, timedelta

_UNITS = (("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1))


def duration(span: timedelta | float | None) -> str:
    """The two largest units: `7d`, `1h 5m`, `42s`."""
    if span is None:
        return "-"
    seconds = max(int(span.total_seconds() if isinstance(span, timedelta) else span), 0)
    parts: list[str] = []
    for unit, size in _UNITS:
        if len(parts) < 2 and (seconds >= size or (size == 1 and not parts)):
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return " ".join(parts)


def retention(milliseconds: int | None) -> str:
    if milliseconds is None:
        return "?"
    return "forever" if milliseconds < 0 else duration(milliseconds / 1000)


def moment(value: datetime | None) -> str:
    return value.isoformat(sep=" ", timespec="seconds") if value else "-"
