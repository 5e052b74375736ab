"""Server-Sent Events: a client connected to the API sees the figure changes of its partnership as they happen."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from services.assessment.app import create_app
from services.assessment.store import AssessmentStore
from shared.config import ServiceSettings
from tests.support.assessment import assessment_settings, publish_script, running_worker
from tests.support.http import serving
from tests.unit.assessment.scripted_cohort import scripted_cohort


async def _next_event(lines: object, name: str) -> dict[str, str]:
    event: dict[str, str] = {}
    async for line in lines:  # type: ignore[attr-defined]
        if not line:
            if event.get("event") == name:
                return event
            event = {}
            continue
        field, _, value = line.partition(": ")
        event[field] = value
    raise AssertionError(f"stream ended before a {name} event")


async def test_the_stream_delivers_figure_changes_of_the_partnership(
    service_settings: ServiceSettings, assessment_store: AssessmentStore, tmp_path: Path
) -> None:
    settings = assessment_settings(service_settings)
    cohort = scripted_cohort()
    url = f"/partnerships/{cohort.script.partnership_id}/stream"
    async with serving(create_app, settings) as client:  # type: ignore[arg-type]  # its settings extend these
        with running_worker(settings, tmp_path / "worker.log"):
            async with client.stream("GET", url, timeout=60) as response:
                assert response.headers["content-type"].startswith("text/event-stream")
                lines = response.aiter_lines()
                await asyncio.wait_for(_next_event(lines, "ready"), 30)
                await publish_script(settings.kafka_bootstrap_servers, settings.topic_namespace, cohort.script.events)
                change = await asyncio.wait_for(_next_event(lines, "FigureChanged"), 60)
    data = json.loads(change["data"])
    assert data["scope"].startswith(f"partnership:{cohort.script.partnership_id}")
    assert data["metric_version"] in (1, 2)
