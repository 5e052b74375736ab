"""The ground truth as a JSON document keyed by the ids the services know, ready to compare with assessment.

Partnerships are keyed by their UUID; class and programme buckets by the UUID's hex, as assessment names them. An
alliance, a programme, or a partnership with others below it is compared with assessment's roll-up, any other
partnership with its own figures. One reading per path a reader takes: the live figures (no as_of; the truth as of
today) and figures as of past dates across the programme, each in every metric version.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from simulation.ground_truth import Figure, Truth, compute_truth
from simulation.ids import Ids
from simulation.scenario import Scenario

UUID_BUCKETS = ("class", "programme")
VERSIONS = (1, 2)
# Where the past readings fall between the first agreement and today: late and back-dated facts move figures
# between them when the history was imported with its original recorded_at.
_PAST_FRACTIONS = (0.45, 0.65, 0.8, 0.93)


def past_dates(scenario: Scenario, today: date) -> list[date]:
    """Month ends across the programme's history, before today."""
    first = min(p.signed_on for p in scenario.partnerships)
    found = []
    for fraction in _PAST_FRACTIONS:
        day = first + timedelta(days=round((today - first).days * fraction))
        month_end = date(day.year + day.month // 12, day.month % 12 + 1, 1) - timedelta(days=1)
        if month_end < today and month_end not in found:
            found.append(month_end)
    return found


def _figures(figures: dict[str, Figure]) -> dict[str, Any]:
    return {metric: figure.as_json() for metric, figure in figures.items()}


def _scope(kind: str, children: Sequence[str]) -> str:
    return "rollup" if kind != "partnership" or children else "partnership"


def _entries(truth: Truth, ids: Ids) -> dict[str, Any]:
    partnerships: dict[str, Any] = {}
    for key, p in truth.partnerships.items():
        dimensions: dict[str, Any] = {"total": {"": _figures(p.figures.total)}}
        for dimension, buckets in p.figures.breakdowns.items():
            rename = (lambda b: ids.of(b).hex) if dimension in UUID_BUCKETS else (lambda b: b)
            dimensions[dimension] = {rename(bucket): _figures(fs) for bucket, fs in buckets.items()}
        partnerships[str(ids.of(key))] = {
            "key": key,
            "name": p.name,
            "kind": p.kind,
            "scope": _scope(p.kind, p.children),
            "parent": str(ids.of(p.parent)) if p.parent else None,
            "children": [str(ids.of(child)) for child in p.children],
            "members": p.members,
            "figures": dimensions,
            "targets": [
                {
                    "target_id": str(ids.of(t.key)),
                    "metric": t.metric,
                    "comparison": t.comparison,
                    "goal": t.goal,
                    "class_id": ids.of(t.class_key).hex if t.class_key else None,
                    "actual": t.actual.as_json() if t.actual else None,
                    "met": t.met,
                }
                for t in p.targets
            ],
        }
    return partnerships


def truth_document(
    scenario: Scenario,
    ids: Ids,
    today: date,
    *,
    imported: bool = False,
    past: Sequence[date] | None = None,
    versions: Sequence[int] = VERSIONS,
) -> dict[str, Any]:
    """Readings live (as of `today`) and, when the history was `imported` with its own recorded_at (driven with
    import_history), as of each past date; each in every version. A history posted as live commands is recorded on
    the day it is posted, so only its live reading can be compared."""
    days: list[date | None] = [None]
    if imported:
        days += list(past_dates(scenario, today) if past is None else past)
    readings = []
    for day in days:
        for version in versions:
            truth = compute_truth(scenario, day or today, version)
            readings.append(
                {
                    "as_of": None if day is None else day.isoformat(),
                    "day": (day or today).isoformat(),
                    "version": version,
                    "partnerships": _entries(truth, ids),
                }
            )
    programme_names = {ids.of(g.key).hex: g.name for p in scenario.partnerships for g in p.programmes}
    class_names = {ids.of(c.key).hex: c.name for c in scenario.classes}
    return {
        "scenario": scenario.name,
        "seed": scenario.seed,
        "as_of": today.isoformat(),
        "imported": imported,
        "labels": {"programme": programme_names, "class": class_names},
        "partnerships": readings[0]["partnerships"],  # live, version 1: the tables `cycle report` prints
        "readings": readings,
    }


def write_truth(document: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")


def read_truth(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text())
    return document
