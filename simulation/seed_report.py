"""The seed figures of DOMAIN.md beside what the ground truth and assessment say about them."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from simulation.compare import number

Read = dict[str, list[dict[str, Any]]]


def _entry(truth: dict[str, Any], key: str) -> tuple[str, dict[str, Any]] | None:
    return next(((pid, e) for pid, e in truth["partnerships"].items() if e["key"] == key), None)


def _value(figures: dict[str, Any] | None) -> Decimal | None:
    return number(figures["value"]) if figures else None


def _pair(truth: dict[str, Any], read: Read, key: str, metric: str) -> tuple[Decimal | None, Decimal | None]:
    found = _entry(truth, key)
    if found is None:
        return None, None
    pid, entry = found
    actual = next((f for f in read.get(pid, []) if f["dimension"] == "total" and f["metric"] == metric), None)
    return _value(entry["figures"]["total"][""].get(metric)), _value(actual)


def _show(value: Decimal | None, percent: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value * 100:.1f}%" if percent else f"{value:,.0f}"


def _by_programme(truth: dict[str, Any], read: Read) -> tuple[str, str]:
    found = _entry(truth, "gz_east_west")
    if found is None:
        return "–", "–"
    pid, entry = found
    names = truth["labels"]["programme"]
    expected: Counter[str] = Counter()
    for bucket, metrics in entry["figures"]["programme"].items():
        expected[names.get(bucket, bucket)] += int(number(metrics["classes_opened"]["value"]) or 0)
    actual: Counter[str] = Counter()
    for figure in read.get(pid, []):
        if figure["dimension"] == "programme" and figure["metric"] == "classes_opened":
            actual[names.get(figure["bucket"], figure["bucket"])] += int(number(figure["value"]) or 0)
    order = ("Cantonese Cuisine Masters", "Guangdong Technicians", "Southern Guangdong Family Services")
    return " / ".join(str(expected[n]) for n in order), " / ".join(str(actual[n]) for n in order)


def seed_rows(truth: dict[str, Any], read: Read) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []

    def add(label: str, domain: str, key: str, metric: str, percent: bool = False) -> None:
        expected, actual = _pair(truth, read, key, metric)
        rows.append((label, domain, _show(expected, percent), _show(actual, percent)))

    add("ordered classes (Guangzhou programme)", "85", "gz_east_west", "classes_opened")
    rows.append(("  cuisine / technicians / family services", "7 / 67 / 11", *_by_programme(truth, read)))
    add("students trained (enrolled)", "> 3,200", "gz_east_west", "enrolled")
    add("Bijie Vocational and Technical College: classes", "55", "gz_bijie", "classes_opened")
    add("  enrolled now (active + on a break)", "1,960", "gz_bijie", "enrolled_now")
    add("  employment of graduates", "100%", "gz_bijie", "employment_rate", percent=True)
    add("  placed in state-owned enterprises", "318", "gz_bijie", "state_owned_placements")
    add("Anshun: classes (4 with Xinwanda Electronics)", "≥ 4", "gz_anshun", "classes_opened")
    for key, name in (("chinasoft_college", "Chinasoft"), ("big_data_group_college", "Big Data Group")):
        add(
            f"{name} industry college: enterprise teaching share",
            "≥ 40%",
            key,
            "enterprise_teaching_share",
            percent=True,
        )
    for key, domain in (("gd_bri_alliance", "105 (76/12/7/10)"), ("gy_big_data_alliance", "50 (4/23/17/4/2)")):
        found = _entry(truth, key)
        members = found[1]["members"] if found else {}
        detail = "/".join(str(n) for n in members.values())
        rows.append(
            (f"{found[1]['name'] if found else key}: members", domain, f"{sum(members.values())} ({detail})", "–")
        )
    return rows
