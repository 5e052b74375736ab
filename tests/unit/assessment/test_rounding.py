"""Figures round half-up to four decimals in integers; the result is the one exact fractions give."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

from services.assessment.metrics.catalog import Shape
from services.assessment.metrics.figures import half_up, reading


def by_fractions(value: Fraction) -> Decimal:
    whole = int(abs(value) * 10_000 + Fraction(1, 2))
    result = Decimal(whole) / 10_000
    return (-result if value < 0 else result).quantize(Decimal("0.0001"))


def test_half_up_rounds_every_ratio_as_exact_fractions_do() -> None:
    draw = random.Random(12)
    for _ in range(20_000):
        value = Fraction(draw.randint(-(10**12), 10**12), draw.randint(1, 10 ** draw.randint(1, 9)))
        assert str(half_up(value)) == str(by_fractions(value))


def test_a_half_rounds_away_from_zero() -> None:
    assert half_up(Fraction(1, 20_000)) == Decimal("0.0001")
    assert str(half_up(Fraction(-1, 20_000))) == "-0.0001"
    assert str(half_up(Fraction(1, 30_000))) == "0.0000"


def test_a_rate_in_cents_reads_as_before() -> None:
    assert reading(Shape.RATIO, "cost_per_graduate", 1_234_567, 3) == (
        Decimal("12345.67"),
        Decimal(3),
        Decimal("4115.2233"),
    )
