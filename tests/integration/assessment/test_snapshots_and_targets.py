"""Frozen summaries and targets through the query API on a real database (issue 14).

A period is frozen only after it has ended, alliances and programmes with it, as of its last day, by the operator or
by the worker when the period ends; targets answer as of a date with the target in force then and its figure's
status.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from uuid import UUID, uuid4

import httpx
import pytest

from services.assessment.app import create_app
from services.assessment.metrics.clock import AsOf
from services.assessment.metrics.scope import rollup_figures
from services.assessment.publishing import Message
from services.assessment.records import Record
from services.assessment.runtime import Assessor, partition_of
from services.assessment.schemas import FigureOut
from services.assessment.store import AssessmentStore, FlushBatch
from shared.config import ServiceSettings
from shared.contracts.partnership import TargetSet
from tests.support.assessment import assessment_settings
from tests.support.http import as_operator
from tests.unit.assessment.builders import Script, records_of
from tests.unit.assessment.test_rollups_and_cells import students, three_levels

TODAY = date(2026, 6, 30)  # the business date the API is pinned to (tests/support/assessment.py)


async def mirrored(store: AssessmentStore, settings: ServiceSettings, records: list[Record]) -> None:
    """The records as the workers mirror them, written by an owner of every partition."""
    owner = uuid4().hex
    partitions = settings.topic_partitions
    await store.claim("g1", owner, 1, range(partitions))
    batch = FlushBatch(records=[(r.key, r.pack()) for r in records])
    await store.write_flush("g1", owner, batch, lambda pid: partition_of(pid, partitions))


@pytest.fixture
async def client(
    service_settings: ServiceSettings, assessment_store: AssessmentStore
) -> AsyncIterator[httpx.AsyncClient]:
    app = as_operator(create_app(assessment_settings(service_settings, business_date=TODAY)))
    app.state.store = assessment_store
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://assessment") as http:
        yield http


@pytest.mark.parametrize("period", ["2026-06", "2026", "2026-11", "9999", "2025-13", "2025-00", "abcd", "x", "1-1"])
async def test_a_period_that_has_not_ended_or_is_no_period_is_refused_with_problem_details(
    client: httpx.AsyncClient, period: str
) -> None:
    answer = await client.post(f"/snapshots/{period}")
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] in ("invalid_period", "period_not_ended")


async def test_alliances_and_programmes_are_frozen_too_with_their_figures_as_of_the_last_day(
    client: httpx.AsyncClient, assessment_store: AssessmentStore, service_settings: ServiceSettings
) -> None:
    (city, alliance, _), records = await _three_levels_mirrored(assessment_store, service_settings)
    answer = await client.post("/snapshots/2025-06")
    assert answer.status_code == 201
    for parent in (city, alliance):
        frozen = await _frozen(client, "monthly", "2025-06", parent.partnership_id)
        assert frozen == _rollup_as_of(records, parent.partnership_id, date(2025, 6, 30))
    assert (await client.post("/snapshots/2025")).status_code == 201
    yearly = await client.get(f"/snapshots/yearly/2025/rollup:{city.partnership_id}")
    assert {f["as_of"] for f in yearly.json()["figures"]} == {"2025-12-31"}


async def test_the_worker_freezes_every_roll_up_by_itself_when_a_year_ends_as_the_operator_would(
    client: httpx.AsyncClient, assessment_store: AssessmentStore, service_settings: ServiceSettings
) -> None:
    (city, alliance, pact), records = await _three_levels_mirrored(assessment_store, service_settings)
    settings = assessment_settings(service_settings, business_date=date(2025, 12, 31))
    worker = Assessor(settings, assessment_store, {}, {}, _sent_nowhere)
    await worker.recovered(set(range(settings.topic_partitions)), 2)
    await worker.flush()
    settings.business_date = date(2026, 1, 1)
    await worker.flush()
    for kind, period in (("monthly", "2025-12"), ("yearly", "2025")):
        for parent in (city, alliance):
            frozen = await _frozen(client, kind, period, parent.partnership_id)
            assert frozen == _rollup_as_of(records, parent.partnership_id, date(2025, 12, 31))
    assert (await client.get(f"/snapshots/yearly/2025/rollup:{pact.partnership_id}")).status_code == 404


async def _three_levels_mirrored(
    store: AssessmentStore, settings: ServiceSettings
) -> tuple[tuple[Script, Script, Script], list[Record]]:
    """A city programme and an alliance, each with students of its own, over a partnership; mirrored."""
    city, alliance, pact = three_levels()
    students(city, graduated=1)
    students(alliance, graduated=1, in_training=1)
    students(pact, graduated=2)
    records = records_of(city.events + alliance.events + pact.events)
    await mirrored(store, settings, records)
    return (city, alliance, pact), records


async def _frozen(client: httpx.AsyncClient, kind: str, period: str, parent_id: UUID) -> list[dict[str, object]]:
    answer = await client.get(f"/snapshots/{kind}/{period}/rollup:{parent_id}", params={"version": 1})
    return sorted(answer.json().get("figures", []), key=_key)


def _rollup_as_of(records: list[Record], parent_id: UUID, day: date) -> list[dict[str, object]]:
    figures = rollup_figures(records, parent_id, AsOf.of(day), 1)
    return sorted((FigureOut.of(f).model_dump(mode="json") for f in figures), key=_key)


async def _sent_nowhere(topic: str, messages: list[Message]) -> None:
    return None


def _key(figure: dict[str, object]) -> tuple[str, ...]:
    return tuple(str(figure[k]) for k in ("version", "dimension", "bucket", "metric"))


async def test_targets_answer_as_of_a_date_with_the_target_in_force_then_and_its_figures_status(
    client: httpx.AsyncClient, assessment_store: AssessmentStore, service_settings: ServiceSettings
) -> None:
    script = Script()
    script.sign()
    students(script, graduated=2)
    target = uuid4()
    for goal, on in ((0.8, date(2024, 1, 1)), (0.9, date(2025, 6, 1))):
        script.emit(TargetSet(target_id=target, metric="completion_rate", comparison="at_least", goal=goal), on)
    await mirrored(assessment_store, service_settings, records_of(script.events))
    path = f"/partnerships/{script.partnership_id}/targets"
    before = (await client.get(path, params={"as_of": "2025-05-31"})).json()
    after = (await client.get(path, params={"as_of": "2025-06-01"})).json()
    assert [(t["goal"], t["actual"], t["met"], t["as_of"]) for t in before] == [(0.8, 1.0, True, "2025-05-31")]
    assert [(t["goal"], t["final"]) for t in after] == [(0.9, False)]  # the class is still open
    earlier = (await client.get(path, params={"as_of": "2023-12-31"})).json()
    assert earlier == []
