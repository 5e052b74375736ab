"""As-of figures read a moved student from both partnerships' records, on a real database (issue 14)."""

from __future__ import annotations

from datetime import date

import httpx

from services.assessment.store import AssessmentStore
from shared.config import ServiceSettings
from tests.integration.assessment.test_snapshots_and_targets import client, mirrored
from tests.unit.assessment.builders import records_of
from tests.unit.assessment.test_transfers_across_partnerships import moved

__all__ = ["client"]  # the fixture


def enrolled(answer: httpx.Response) -> float:
    [figure] = [f for f in answer.json()["figures"] if f["dimension"] == "total" and f["metric"] == "enrolled"]
    return float(figure["value"])


async def test_a_moved_student_counts_in_the_new_partnership_as_of_the_transfer_and_no_longer_in_the_first(
    client: httpx.AsyncClient, assessment_store: AssessmentStore, service_settings: ServiceSettings
) -> None:
    first, second, _ = moved()
    await mirrored(assessment_store, service_settings, records_of(first.events + second.events))
    for day, expected in ((date(2024, 5, 31), (1, 0)), (date(2024, 6, 1), (0, 1))):
        params = {"as_of": day.isoformat(), "version": 1, "dimension": "total"}
        found = [
            enrolled(await client.get(f"/partnerships/{script.partnership_id}/figures", params=params))
            for script in (first, second)
        ]
        assert tuple(found) == expected, day
