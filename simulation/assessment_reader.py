"""Reads assessment's public query API: a partnership's (or a roll-up's) figures as of D, and its targets."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from simulation.compare import Comparison, compare_figures, compare_targets


class AssessmentReader:
    def __init__(self, client: httpx.AsyncClient, version: int = 1) -> None:
        self.client, self.version = client, version

    async def figures(self, partnership_id: str, scope: str, as_of: date) -> list[dict[str, Any]]:
        path = f"/rollups/{partnership_id}/figures" if scope == "rollup" else f"/partnerships/{partnership_id}/figures"
        response = await self.client.get(path, params={"as_of": as_of.isoformat(), "version": self.version})
        response.raise_for_status()
        figures: list[dict[str, Any]] = response.json()["figures"]
        return figures

    async def targets(self, partnership_id: str) -> list[dict[str, Any]]:
        response = await self.client.get(f"/partnerships/{partnership_id}/targets")
        response.raise_for_status()
        targets: list[dict[str, Any]] = response.json()
        return targets

    async def compare(self, truth: dict[str, Any]) -> tuple[Comparison, dict[str, list[dict[str, Any]]]]:
        """Compares every partnership of a truth document; returns the comparison and the figures read."""
        as_of = date.fromisoformat(truth["as_of"])
        result, read = Comparison(), {}
        for partnership_id, entry in truth["partnerships"].items():
            figures = await self.figures(partnership_id, entry["scope"], as_of)
            read[partnership_id] = figures
            result.add(compare_figures(entry["name"], entry["figures"], figures, self.version))
            if entry["targets"]:
                result.add(compare_targets(entry["name"], entry["targets"], await self.targets(partnership_id)))
        return result, read
