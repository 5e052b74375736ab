"""As-of answers read only the records they need and are kept only while those records are unchanged, on a real
database (issue 12): the roll-up finds its members through the parents kept beside each partnership record, a kept
answer is recomputed once a record it read changes, and records written before the parents were kept answer the
same and are filled in when the store opens."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import httpx

from services.assessment.closed_answers import EVERY
from services.assessment.metrics.clock import AsOf
from services.assessment.metrics.scope import figures, rollup_figures
from services.assessment.record_reads import backfill_parents, tree_rows
from services.assessment.records import Record, RecordKey
from services.assessment.runtime import partition_of
from services.assessment.store import AssessmentStore, FlushBatch
from shared.config import ServiceSettings
from shared.contracts.partnership import PartnershipAmended
from tests.integration.assessment.test_snapshots_and_targets import client, mirrored
from tests.unit.assessment.builders import Script, records_of
from tests.unit.assessment.test_as_of_reads import _as_fastapi_writes
from tests.unit.assessment.test_rollups_and_cells import students, three_levels

__all__ = ["client"]  # the fixture
BEFORE, AFTER = date(2025, 5, 31), date(2025, 6, 1)


def _graduates(answer: httpx.Response) -> float:
    assert answer.status_code == 200, answer.text
    [figure] = [f for f in answer.json()["figures"] if f["dimension"] == "total" and f["metric"] == "graduates"]
    return float(figure["value"])


async def _rollup(http: httpx.AsyncClient, parent: UUID, day: date) -> httpx.Response:
    return await http.get(f"/rollups/{parent}/figures", params={"as_of": day.isoformat(), "version": 1})


def _expected(records: list[Record], parent: UUID, day: date) -> float:
    [figure] = [
        f
        for f in rollup_figures(records, parent, AsOf.of(day), 1)
        if f.dimension == "total" and f.metric == "graduates"
    ]
    return float(figure.value or 0)


async def _written_again(store: AssessmentStore, settings: ServiceSettings, records: list[Record]) -> None:
    """The records as a worker of a later group generation writes them over what `mirrored` wrote: their new facts
    were recorded before the cutoffs asked, so the worker forgets the closed answers that count them."""
    owner, partitions = "later", settings.topic_partitions
    await store.claim("g1", owner, 2, range(partitions))
    batch = FlushBatch(records=[(r.key, r.pack()) for r in records], late=EVERY)
    await store.write_flush("g1", owner, batch, lambda pid: partition_of(pid, partitions))


def _moving_under(parent: Script) -> Script:
    """A partnership with three graduates that moves under `parent` on AFTER."""
    moved = Script()
    moved.sign()
    moved.emit(PartnershipAmended(parent_id=parent.partnership_id), AFTER)
    students(moved, graduated=3)
    return moved


async def test_a_roll_up_as_of_d_pools_every_level_below_the_parent_on_d_and_no_other_partnership(
    client: httpx.AsyncClient, assessment_store: AssessmentStore, service_settings: ServiceSettings
) -> None:
    city, alliance, pact = three_levels()
    for script, graduated in ((city, 1), (alliance, 1), (pact, 2)):
        students(script, graduated=graduated)
    elsewhere = Script()
    elsewhere.sign()
    students(elsewhere, graduated=5)
    moved = _moving_under(alliance)
    records = records_of(city.events + alliance.events + pact.events + elsewhere.events + moved.events)
    await mirrored(assessment_store, service_settings, records)
    for day, expected in ((BEFORE, 4), (AFTER, 7)):
        assert _expected(records, city.partnership_id, day) == expected
        assert _graduates(await _rollup(client, city.partnership_id, day)) == expected, day


async def test_a_kept_as_of_answer_is_recomputed_once_a_record_it_read_changes_or_a_member_joins(
    client: httpx.AsyncClient, assessment_store: AssessmentStore, service_settings: ServiceSettings
) -> None:
    city, alliance, pact = three_levels()
    students(pact, graduated=2)
    await mirrored(assessment_store, service_settings, records_of(city.events + alliance.events + pact.events))
    path = f"/partnerships/{pact.partnership_id}/figures"
    params = {"as_of": AFTER.isoformat(), "version": 1}
    assert _graduates(await client.get(path, params=params)) == 2
    assert _graduates(await _rollup(client, city.partnership_id, AFTER)) == 2
    students(pact, graduated=1)  # one more student's record in the partnership
    moved = _moving_under(alliance)  # a new member below the parent
    await _written_again(assessment_store, service_settings, records_of(pact.events + moved.events))
    assert _graduates(await client.get(path, params=params)) == 3
    assert _graduates(await _rollup(client, city.partnership_id, AFTER)) == 6
    assert _graduates(await _rollup(client, city.partnership_id, BEFORE)) == 3


async def test_records_written_before_their_parents_were_kept_answer_the_same_and_are_filled_in(
    client: httpx.AsyncClient, assessment_store: AssessmentStore, service_settings: ServiceSettings
) -> None:
    city, alliance, pact = three_levels()
    students(pact, graduated=2)
    moved = _moving_under(alliance)
    records = records_of(city.events + alliance.events + pact.events + moved.events)
    await mirrored(assessment_store, service_settings, records)
    await assessment_store.pool.execute("UPDATE records SET parents = NULL")
    for day in (BEFORE, AFTER):
        assert _graduates(await _rollup(client, city.partnership_id, day)) == _expected(
            records, city.partnership_id, day
        )
    assert await backfill_parents(assessment_store.pool) == 4
    assert (
        await assessment_store.pool.fetchval("SELECT count(*) FROM records WHERE kind = 'p' AND parents IS NULL") == 0
    )
    tree = await tree_rows(assessment_store.pool, "g1", city.partnership_id)
    assert tree is not None
    assert {RecordKey.decode(key).partnership_id for key, _ in tree} == {
        s.partnership_id for s in (city, alliance, pact, moved)
    }
    own = figures(records, AsOf.of(AFTER), 1, only={pact.partnership_id})
    assert own  # the partnership's own answer is read the same way


async def test_live_and_as_of_answers_are_the_bodies_fastapi_writes_for_the_figures_model(
    client: httpx.AsyncClient, assessment_store: AssessmentStore, service_settings: ServiceSettings
) -> None:
    script = Script()
    script.sign()
    script.fund(1000, date(2024, 1, 1), date(2024, 12, 31))
    students(script, graduated=2, in_training=1)
    records = records_of(script.events)
    found = figures(records, AsOf.of(AFTER), 1) + figures(records, AsOf.of(AFTER), 2)
    await mirrored(assessment_store, service_settings, records)
    owner = "live"  # a later owner writes the live figures as a worker would
    await assessment_store.claim("g1", owner, 3, range(service_settings.topic_partitions))
    await assessment_store.write_flush(
        "g1", owner, FlushBatch(figures=found), lambda pid: partition_of(pid, service_settings.topic_partitions)
    )
    scope, path = f"partnership:{script.partnership_id}", f"/partnerships/{script.partnership_id}/figures"
    stored = await assessment_store.figures("g1", scope)
    assert len(stored) == len(found)
    live = await client.get(path)
    assert live.headers["content-type"] == "application/json"
    assert live.content == _as_fastapi_writes(scope, None, stored)
    assert (await client.get(path, params={"version": 2})).content == _as_fastapi_writes(
        scope, None, [f for f in stored if f.version == 2]
    )
    as_of = await client.get(path, params={"as_of": AFTER.isoformat()})
    assert as_of.content == _as_fastapi_writes(scope, AFTER, found)
