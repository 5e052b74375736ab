"""The ground truth as a JSON document keyed by the ids the services know, ready to compare with assessment.

Partnerships are keyed by their UUID; class and programme buckets by the UUID's hex, as assessment names them.
A parent (programme or alliance) is compared with assessment's roll-up, any other partnership with its own figures.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from simulation.ground_truth import Figure, Truth
from simulation.ids import Ids
from simulation.scenario import Scenario

UUID_BUCKETS = ("class", "programme")


def _figures(figures: dict[str, Figure]) -> dict[str, Any]:
    return {metric: figure.as_json() for metric, figure in figures.items()}


def truth_document(truth: Truth, scenario: Scenario, ids: Ids) -> dict[str, Any]:
    partnerships: dict[str, Any] = {}
    for key, p in truth.partnerships.items():
        dimensions: dict[str, Any] = {"total": {"": _figures(p.figures.total)}}
        for dimension, buckets in p.figures.breakdowns.items():
            if p.children and dimension == "class":
                continue  # a class lies in one partnership: its roll-up buckets are its partnership's, checked there
            rename = (lambda b: ids.of(b).hex) if dimension in UUID_BUCKETS else (lambda b: b)
            dimensions[dimension] = {rename(bucket): _figures(fs) for bucket, fs in buckets.items()}
        partnerships[str(ids.of(key))] = {
            "key": key,
            "name": p.name,
            "kind": p.kind,
            "scope": "rollup" if p.children else "partnership",
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
    programme_names = {ids.of(g.key).hex: g.name for p in scenario.partnerships for g in p.programmes}
    class_names = {ids.of(c.key).hex: c.name for c in scenario.classes}
    return {
        "scenario": truth.scenario,
        "seed": truth.seed,
        "as_of": truth.as_of.isoformat(),
        "labels": {"programme": programme_names, "class": class_names},
        "partnerships": partnerships,
    }


def write_truth(document: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")


def read_truth(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text())
    return document
