"""`cycle assessment close-day`: the as-of answers of an ended day kept for every partnership and roll-up, with a
clear refusal for a day that is no date or has not ended."""

from __future__ import annotations

from dataclasses import replace

from services.assessment.store import AssessmentStore
from shared.config import ServiceSettings
from tests.integration.assessment.test_snapshots_and_targets import mirrored
from tests.integration.cli.conftest import Cycle
from tests.unit.assessment.builders import records_of
from tests.unit.assessment.test_rollups_and_cells import students, three_levels


async def test_close_day_keeps_the_answers_of_a_closed_day_and_refuses_one_that_is_no_date_or_still_running(
    cycle: Cycle, assessment_store: AssessmentStore, service_settings: ServiceSettings
) -> None:
    city, alliance, pact = three_levels()
    students(pact, graduated=2)
    await mirrored(assessment_store, service_settings, records_of(city.events + alliance.events + pact.events))
    pinned = replace(cycle, env={**cycle.env, "ASSESSMENT_BUSINESS_DATE": "2026-06-30"})
    closed = await pinned("assessment", "close-day", "--day", "2025-06-01")
    assert closed.returncode == 0, closed.stderr
    assert "3 partnerships and 2 roll-ups, 5 answers kept" in closed.stdout
    assert await assessment_store.pool.fetchval("SELECT count(*) FROM closed_answers") == 5
    for day, refusal in (("2026-06-30", "has not ended"), ("June", "is no date")):
        refused = await pinned("assessment", "close-day", "--day", day)
        assert refused.returncode == 2
        assert refusal in refused.stdout
