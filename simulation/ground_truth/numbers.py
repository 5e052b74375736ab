"""A figure: numerator, denominator and value, rounded half-up to 4 decimals (DOMAIN.md, counting rules: values)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

FOUR_PLACES = Decimal("0.0001")
Number = int | Decimal


def half_up(value: Decimal) -> Decimal:
    return value.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Figure:
    numerator: Number | None
    denominator: Number | None
    value: Number | None
    # DOMAIN.md "Final when": set once the figure's scope is known; kept out of equality so a reading compares alone.
    final: bool | None = field(default=None, compare=False)

    def as_json(self) -> dict[str, str | int | bool | None]:
        found: dict[str, str | int | bool | None] = {
            name: _json_number(getattr(self, name)) for name in ("numerator", "denominator", "value")
        }
        found["final"] = self.final
        return found

    def settled(self, final: bool) -> Figure:
        return replace(self, final=final)


def _json_number(number: Number | None) -> str | int | None:
    # Decimals travel as strings so that no float rounding creeps into a comparison.
    return str(number) if isinstance(number, Decimal) else number


def rate(numerator: Number, denominator: Number) -> Figure:
    if not denominator:
        return Figure(numerator, denominator, None)
    return Figure(numerator, denominator, half_up(Decimal(numerator) / Decimal(denominator)))


def count(n: int) -> Figure:
    return Figure(n, None, n)


def median(values: Iterable[Decimal]) -> Figure:
    """The middle value; the mean of the two middle values for an even count. The denominator is how many."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return Figure(0, 0, None)  # an empty cell: numerator 0, denominator 0, value null
    middle = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    return Figure(None, n, half_up(middle))
