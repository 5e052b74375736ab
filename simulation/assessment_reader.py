"""Reads what the product answers on every path and compares it with a truth document, reading by reading.

Figures: live (no as_of: what the workers keep, stream and alert on) and as of each past date, in each metric
version; targets in force as of each day; member counts from recruitment; the alerts published.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from simulation.compare import Comparison, compare_alerts, compare_figures, compare_members, compare_targets

Alerts = Callable[[], Awaitable[list[dict[str, Any]]]]
Read = dict[str, list[dict[str, Any]]]


def path_of(reading: dict[str, Any]) -> str:
    return f"{'live' if reading['as_of'] is None else reading['as_of']} v{reading['version']}"


class AssessmentReader:
    def __init__(
        self, client: httpx.AsyncClient, recruitment: httpx.AsyncClient | None = None, alerts: Alerts | None = None
    ) -> None:
        """`recruitment` reads member lists, `alerts` the published alerts; a path without its reader is skipped."""
        self.client, self.recruitment, self.alerts = client, recruitment, alerts

    async def figures(self, partnership_id: str, scope: str, as_of: str | None, version: int) -> list[dict[str, Any]]:
        path = f"/rollups/{partnership_id}/figures" if scope == "rollup" else f"/partnerships/{partnership_id}/figures"
        params: dict[str, Any] = {"version": version}
        if as_of is not None:
            params["as_of"] = as_of
        response = await self.client.get(path, params=params)
        response.raise_for_status()
        figures: list[dict[str, Any]] = response.json()["figures"]
        return figures

    async def targets(self, partnership_id: str, as_of: str | None) -> list[dict[str, Any]]:
        params = {} if as_of is None else {"as_of": as_of}
        response = await self.client.get(f"/partnerships/{partnership_id}/targets", params=params)
        response.raise_for_status()
        targets: list[dict[str, Any]] = response.json()
        return targets

    async def members(self, partnership_id: str) -> list[dict[str, Any]]:
        assert self.recruitment is not None
        found: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": 200, **({"cursor": cursor} if cursor else {})}
            response = await self.recruitment.get(f"/partnerships/{partnership_id}/members", params=params)
            response.raise_for_status()
            page = response.json()
            found += page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return found

    async def compare(self, truth: dict[str, Any]) -> tuple[Comparison, Read]:
        """Every reading of a truth document; returns the comparison and the live version-1 figures read."""
        result, live = Comparison(), {}
        member_lists: dict[str, list[dict[str, Any]]] = {}
        for reading in truth["readings"]:
            path = path_of(reading)
            for pid, entry in reading["partnerships"].items():
                figures = await self.figures(pid, entry["scope"], reading["as_of"], reading["version"])
                if reading["as_of"] is None and reading["version"] == 1:
                    live[pid] = figures
                result.add(compare_figures(entry["name"], entry["figures"], figures, reading["version"], path))
                if reading["version"] != 1:
                    continue  # targets are measured in the current version; members have none
                if entry["targets"]:
                    answered = await self.targets(pid, reading["as_of"])
                    result.add(compare_targets(entry["name"], entry["targets"], answered))
                if self.recruitment is not None:
                    if pid not in member_lists:
                        member_lists[pid] = await self.members(pid)
                    result.add(compare_members(entry["name"], entry["members"], member_lists[pid], reading["day"]))
        if self.alerts is not None:
            alerts = await self.alerts()
            for pid, entry in truth["partnerships"].items():
                mine = [a for a in alerts if a["partnership_id"] == pid]
                result.add(compare_alerts(entry["name"], entry["targets"], mine))
        return result, live
