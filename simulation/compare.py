"""Every figure of the ground truth against assessment's: values always, numerators and denominators of rates.

Assessment answers numbers as JSON floats; both sides are read as decimals rounded half-up to 4 places.
A bucket assessment does not report is a mismatch unless the truth there is empty (null or zero).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

FOUR = Decimal("0.0001")
# Assessment keeps money and hours in cents inside its numerators; the value and the denominator still compare.
_NUMERATOR_UNITS_DIFFER = frozenset({"cost_per_graduate", "cost_per_placement"})


@dataclass(frozen=True, slots=True)
class Mismatch:
    partnership: str
    dimension: str
    bucket: str
    metric: str
    expected: dict[str, Any]
    actual: dict[str, Any] | None

    def describe(self) -> str:
        where = self.dimension if self.dimension == "total" or not self.bucket else f"{self.dimension}={self.bucket}"
        got = "missing" if self.actual is None else _reading(self.actual)
        return f"{self.partnership} [{where}] {self.metric}: expected {_reading(self.expected)}, got {got}"


@dataclass(slots=True)
class Comparison:
    checked: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)

    def add(self, other: Comparison) -> None:
        self.checked += other.checked
        self.mismatches += other.mismatches


def _reading(figure: dict[str, Any]) -> str:
    if "met" in figure:
        return f"{figure.get('value')} (met: {figure['met']})"
    return f"{figure.get('value')} ({figure.get('numerator')}/{figure.get('denominator')})"


def number(raw: Any) -> Decimal | None:
    if raw is None:
        return None
    return Decimal(str(raw)).quantize(FOUR, rounding=ROUND_HALF_UP)


def _empty(expected: dict[str, Any]) -> bool:
    return number(expected["value"]) in (None, Decimal(0))


def same(metric: str, expected: dict[str, Any], actual: dict[str, Any]) -> bool:
    if number(expected["value"]) != number(actual.get("value")):
        return False
    if expected["denominator"] is None:
        return True
    if number(expected["denominator"]) != number(actual.get("denominator")):
        return False
    if expected["numerator"] is None or metric in _NUMERATOR_UNITS_DIFFER:
        return True
    return number(expected["numerator"]) == number(actual.get("numerator"))


def compare_figures(name: str, expected: dict[str, Any], figures: list[dict[str, Any]], version: int = 1) -> Comparison:
    """`expected`: dimension -> bucket -> metric -> figure (a truth file entry); `figures`: assessment's list."""
    actual = {(f["dimension"], f["bucket"], f["metric"]): f for f in figures if f.get("version", version) == version}
    result = Comparison()
    for dimension, buckets in expected.items():
        for bucket, metrics in buckets.items():
            for metric, figure in metrics.items():
                got = actual.get((dimension, bucket, metric))
                if got is None and _empty(figure):
                    continue
                result.checked += 1
                if got is None or not same(metric, figure, got):
                    result.mismatches.append(Mismatch(name, dimension, bucket, metric, figure, got))
    return result


def compare_targets(name: str, expected: list[dict[str, Any]], targets: list[dict[str, Any]]) -> Comparison:
    """Each target's goal, its figure and whether it is met."""
    actual = {(t["metric"], t.get("class_id")): t for t in targets}
    result = Comparison()
    for target in expected:
        result.checked += 1
        got = actual.get((target["metric"], target["class_id"]))
        value = target["actual"]["value"] if target["actual"] else None
        if got is None or number(got.get("actual")) != number(value) or got.get("met") != target["met"]:
            seen = None if got is None else {"value": got.get("actual"), "met": got.get("met")}
            bucket = target["class_id"] or ""
            reading = {"value": value, "met": target["met"]}
            result.mismatches.append(Mismatch(name, "target", bucket, target["metric"], reading, seen))
    return result
