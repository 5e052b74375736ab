"""The ground truth against assessment's answers, path by path (live, each as-of date, each metric version).

Assessment answers numbers as JSON floats; both sides are read as decimals rounded half-up to 4 places. Each
figure is one of: compared (a value on at least one side), empty on both sides (value null on both and the same
numerator and denominator: not counted as a check), extra (answered by assessment, absent from the truth) or missing
(in the truth, not answered). The final flag of every figure both sides answer is checked on a path of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

FOUR = Decimal("0.0001")
FINAL_FLAG = "final flag"


@dataclass(frozen=True, slots=True)
class Mismatch:
    partnership: str
    dimension: str
    bucket: str
    metric: str
    expected: dict[str, Any] | None
    actual: dict[str, Any] | None

    def describe(self) -> str:
        where = self.dimension if self.dimension == "total" or not self.bucket else f"{self.dimension}={self.bucket}"
        got = "missing" if self.actual is None else _reading(self.actual)
        wanted = "nothing" if self.expected is None else _reading(self.expected)
        return f"{self.partnership} [{where}] {self.metric}: expected {wanted}, got {got}"


@dataclass(slots=True)
class Tally:
    compared: int = 0
    empty: int = 0  # empty on both sides: no check
    extra: int = 0  # answered by assessment, absent from the truth
    missing: int = 0  # in the truth, not answered
    mismatches: list[Mismatch] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.compared += other.compared
        self.empty += other.empty
        self.extra += other.extra
        self.missing += other.missing
        self.mismatches += other.mismatches

    @property
    def counts(self) -> tuple[int, int, int, int, int]:
        return self.compared, self.empty, self.extra, self.missing, len(self.mismatches)


@dataclass(slots=True)
class Comparison:
    paths: dict[str, Tally] = field(default_factory=dict)

    def path(self, name: str) -> Tally:
        return self.paths.setdefault(name, Tally())

    def add(self, other: Comparison) -> None:
        for name, tally in other.paths.items():
            self.path(name).add(tally)

    @property
    def mismatches(self) -> list[Mismatch]:
        return [m for tally in self.paths.values() for m in tally.mismatches]

    @property
    def checked(self) -> int:
        return sum(tally.compared for tally in self.paths.values())

    def total(self, names: Iterable[str]) -> Tally:
        found = Tally()
        for name in names:
            found.add(self.paths.get(name, Tally()))
        return found


def _reading(figure: dict[str, Any]) -> str:
    if set(figure) == {"value"}:
        return str(figure["value"])
    if "met" in figure:
        return f"{figure.get('value')} (met: {figure['met']}, final: {figure.get('final')})"
    return f"{figure.get('value')} ({figure.get('numerator')}/{figure.get('denominator')})"


def number(raw: Any) -> Decimal | None:
    if raw is None:
        return None
    return Decimal(str(raw)).quantize(FOUR, rounding=ROUND_HALF_UP)


def same(expected: dict[str, Any], actual: dict[str, Any]) -> bool:
    return all(number(expected.get(part)) == number(actual.get(part)) for part in ("value", "numerator", "denominator"))


def _empty(figure: dict[str, Any]) -> bool:
    return figure.get("value") is None


def compare_figures(
    name: str, expected: dict[str, Any], figures: list[dict[str, Any]], version: int = 1, path: str = "figures"
) -> Comparison:
    """`expected`: dimension -> bucket -> metric -> figure (a truth file entry); `figures`: assessment's list."""
    actual = {(f["dimension"], f["bucket"], f["metric"]): f for f in figures if f.get("version", version) == version}
    result = Comparison()
    tally, flags = result.path(path), result.path(FINAL_FLAG)
    seen: set[tuple[str, str, str]] = set()
    for dimension, buckets in expected.items():
        for bucket, metrics in buckets.items():
            for metric, figure in metrics.items():
                key = (dimension, bucket, metric)
                seen.add(key)
                got = actual.get(key)
                if got is None:
                    tally.missing += 1
                    tally.mismatches.append(Mismatch(name, dimension, bucket, metric, figure, None))
                    continue
                if not same(figure, got):
                    tally.compared += 1
                    tally.mismatches.append(Mismatch(name, dimension, bucket, metric, figure, got))
                elif _empty(figure):
                    tally.empty += 1
                else:
                    tally.compared += 1
                flags.compared += 1
                if figure.get("final") != got.get("final"):
                    wanted, found = {"value": f"final={figure.get('final')}"}, {"value": f"final={got.get('final')}"}
                    flags.mismatches.append(Mismatch(name, dimension, bucket, metric, wanted, found))
    for key in sorted(set(actual) - seen):
        tally.extra += 1
        tally.mismatches.append(Mismatch(name, *key, None, actual[key]))
    return result


def compare_targets(
    name: str, expected: list[dict[str, Any]], targets: list[dict[str, Any]], path: str = "targets"
) -> Comparison:
    """Each target in force: its figure's value and status, and whether it is met."""
    actual = {(t["metric"], t.get("class_id")): t for t in targets}
    result = Comparison()
    tally = result.path(path)
    for target in expected:
        tally.compared += 1
        got = actual.pop((target["metric"], target["class_id"]), None)
        figure = target["actual"] or {}
        wanted = {"value": figure.get("value"), "met": target["met"], "final": figure.get("final")}
        seen = None if got is None else {"value": got.get("actual"), "met": got.get("met"), "final": got.get("final")}
        differs = seen is None or (number(seen["value"]), seen["met"], seen["final"]) != (
            number(wanted["value"]),
            wanted["met"],
            wanted["final"],
        )
        if differs:
            tally.mismatches.append(Mismatch(name, "target", target["class_id"] or "", target["metric"], wanted, seen))
    for (metric, class_id), got in actual.items():
        tally.extra += 1
        tally.mismatches.append(Mismatch(name, "target", class_id or "", metric, None, {"value": got.get("actual")}))
    return result


def compare_alerts(name: str, expected: list[dict[str, Any]], alerts: list[dict[str, Any]]) -> Comparison:
    """The last alert of each target (in the order published) agrees with whether the truth has it met today: a
    breach when it is not met, none or a recovery when it is; a target without a figure is no check."""
    last = {str(alert["target_id"]): alert["type"] for alert in alerts}
    result = Comparison()
    tally = result.path("alerts")
    for target in expected:
        if target["met"] is None:
            tally.empty += 1
            continue
        tally.compared += 1
        breached = last.get(str(target["target_id"])) == "TargetBreached"
        if breached == bool(target["met"]):
            wanted = {"value": "TargetBreached" if target["met"] is False else "none or TargetRecovered"}
            found = {"value": last.get(str(target["target_id"]), "none")}
            tally.mismatches.append(Mismatch(name, "alert", target["class_id"] or "", target["metric"], wanted, found))
    return result


def members_on(members: list[dict[str, Any]], day: str) -> dict[str, int]:
    """Member counts by role on D from a partnership's member list (joined by D, not yet left)."""
    on = date.fromisoformat(day)
    counts: dict[str, int] = {}
    for m in members:
        left = m.get("left_on")
        if date.fromisoformat(m["joined_on"]) <= on and (left is None or date.fromisoformat(left) > on):
            counts[m["party_role"]] = counts.get(m["party_role"], 0) + 1
    return counts


def compare_members(
    name: str, expected: dict[str, int], members: list[dict[str, Any]], day: str, path: str = "members"
) -> Comparison:
    actual = members_on(members, day)
    result = Comparison()
    tally = result.path(path)
    for role in sorted(set(expected) | set(actual)):
        tally.compared += 1
        if expected.get(role, 0) != actual.get(role, 0):
            wanted, found = {"value": expected.get(role, 0)}, {"value": actual.get(role, 0)}
            tally.mismatches.append(Mismatch(name, "members", "", role, wanted, found))
    return result
