"""As-of answers past their cutoff are kept in PostgreSQL for every API process (closed_answers.py), on a real
database through the API: given without reading the records again, forgotten by the flush that mirrors a fact
recorded before their cutoff and by no other, never kept when the cutoff has not passed, and never kept from records
read before a late fact's deletion, even one committed while the answer was being kept."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from uuid import uuid4

import httpx
import pytest

from services.assessment import queries
from services.assessment.answers import AsOfQuestion
from services.assessment.closed_answers import EVERY, answers_kept, forget_late, keep_closed
from services.assessment.closing import DayNotClosed, close_day
from services.assessment.facts import epoch_micros
from services.assessment.metrics.clock import AsOf
from services.assessment.record_reads import standing
from services.assessment.runtime import partition_of
from services.assessment.store import AssessmentStore, FlushBatch
from shared.config import ServiceSettings
from tests.integration.assessment.test_snapshots_and_targets import TODAY, client, mirrored
from tests.support.waiting import eventually
from tests.unit.assessment.builders import Script, records_of
from tests.unit.assessment.test_rollups_and_cells import students, three_levels

__all__ = ["client"]  # the fixture
CLOSED = date(2025, 6, 1)
CUTOFF = AsOf.of(CLOSED).cutoff


async def _graduates(http: httpx.AsyncClient, path: str, day: date) -> float:
    """As another API process would answer: nothing kept in this one."""
    queries.answers._kept.clear()
    answer = await http.get(path, params={"as_of": day.isoformat(), "version": 1})
    assert answer.status_code == 200, answer.text
    [figure] = [f for f in answer.json()["figures"] if f["dimension"] == "total" and f["metric"] == "graduates"]
    return float(figure["value"])


async def _kept(store: AssessmentStore) -> int:
    """Closed answers kept, once those the API has given are (it keeps one after giving it)."""
    await answers_kept()
    return int(await store.pool.fetchval("SELECT count(*) FROM closed_answers WHERE generation = 'g1'"))


async def _one_partnership(store: AssessmentStore, settings: ServiceSettings, graduated: int) -> str:
    """A partnership with `graduated` graduates, mirrored; the path of its figures."""
    script = Script()
    script.sign()
    students(script, graduated=graduated)
    await mirrored(store, settings, records_of(script.events))
    return f"/partnerships/{script.partnership_id}/figures"


async def _three_levels_mirrored(
    store: AssessmentStore, settings: ServiceSettings, graduated: int
) -> tuple[Script, Script]:
    """A city over an alliance over a pact with `graduated` graduates, mirrored: the city and the pact."""
    city, alliance, pact = three_levels()
    students(pact, graduated=graduated)
    await mirrored(store, settings, records_of(city.events + alliance.events + pact.events))
    return city, pact


async def _flushed(store: AssessmentStore, settings: ServiceSettings, script: Script, late: int | None) -> None:
    """The script's records as a worker's flush writes them, with the `late` mark it would give them."""
    owner, partitions = uuid4().hex, settings.topic_partitions
    await store.claim("g1", owner, 2, range(partitions))
    batch = FlushBatch(records=[(r.key, r.pack()) for r in records_of(script.events)], late=late)
    await store.write_flush("g1", owner, batch, lambda pid: partition_of(pid, partitions))


async def test_a_closed_answer_is_given_to_every_process_until_a_fact_recorded_before_its_cutoff_is_mirrored(
    client: httpx.AsyncClient, assessment_store: AssessmentStore, service_settings: ServiceSettings
) -> None:
    city, pact = await _three_levels_mirrored(assessment_store, service_settings, graduated=2)
    own, rollup = f"/partnerships/{pact.partnership_id}/figures", f"/rollups/{city.partnership_id}/figures"
    assert await _graduates(client, own, CLOSED) == 2
    assert await _graduates(client, rollup, CLOSED) == 2
    assert await _kept(assessment_store) == 2

    class_id = pact.open_class()  # a third graduate, recorded before the cutoff and not yet seen as late
    pact.graduate(pact.enrol(class_id, "Bijie"), date(2025, 1, 15))
    await _flushed(assessment_store, service_settings, pact, late=None)
    assert await _graduates(client, own, CLOSED) == 2, "the kept answer, not the records: they give 3"
    assert await _graduates(client, rollup, CLOSED) == 2

    after = epoch_micros(datetime(2025, 6, 2, 12, tzinfo=UTC))  # recorded after the cutoff: changes no answer
    await _flushed(assessment_store, service_settings, pact, late=after)
    assert await _kept(assessment_store) == 2

    await _flushed(assessment_store, service_settings, pact, late=epoch_micros(datetime(2025, 1, 15, tzinfo=UTC)))
    assert await _kept(assessment_store) == 0
    assert await _graduates(client, own, CLOSED) == 3
    assert await _graduates(client, rollup, CLOSED) == 3
    assert await _kept(assessment_store) == 2, "computed again, and kept again"


async def test_an_answer_whose_cutoff_has_not_passed_is_computed_each_time_and_not_kept(
    client: httpx.AsyncClient, assessment_store: AssessmentStore, service_settings: ServiceSettings
) -> None:
    path = await _one_partnership(assessment_store, service_settings, graduated=1)
    assert await _graduates(client, path, TODAY) == 1  # the API's business day: still running
    at = {"as_of": CLOSED.isoformat(), "at": "2026-06-30T09:00:00+08:00", "version": "1"}  # an instant of today
    assert (await client.get(path, params=at)).status_code == 200
    assert await _kept(assessment_store) == 0
    assert await _graduates(client, path, CLOSED) == 1
    assert await _kept(assessment_store) == 1


async def test_a_closed_answer_is_given_before_it_is_kept_and_kept_once_the_keeping_can_go_on(
    client: httpx.AsyncClient, assessment_store: AssessmentStore, service_settings: ServiceSettings
) -> None:
    path, pool = await _one_partnership(assessment_store, service_settings, graduated=2), assessment_store.pool
    await pool.execute("INSERT INTO late_facts (generation, seen) VALUES ('g1', 0) ON CONFLICT DO NOTHING")
    async with pool.acquire() as conn, conn.transaction():  # a worker's flush holding the row keeping waits on
        await conn.execute("SELECT seen FROM late_facts WHERE generation = 'g1' FOR UPDATE")
        assert await asyncio.wait_for(_graduates(client, path, CLOSED), timeout=20) == 2
        await eventually(lambda: _waits_on_a_lock(assessment_store))
        assert await pool.fetchval("SELECT count(*) FROM closed_answers") == 0
    assert await _kept(assessment_store) == 1


async def test_closing_a_day_keeps_every_partnership_and_roll_up_answer_of_it_once_and_refuses_a_running_day(
    client: httpx.AsyncClient, assessment_store: AssessmentStore, service_settings: ServiceSettings
) -> None:
    city, alliance, pact = three_levels()
    students(pact, graduated=2)
    students(city, graduated=1)
    await mirrored(assessment_store, service_settings, records_of(city.events + alliance.events + pact.events))
    closed = await close_day(assessment_store, "g1", CLOSED, TODAY)
    assert (closed.partnerships, closed.rollups, closed.kept) == (3, 2, 5)  # the city and the alliance have members
    assert await _kept(assessment_store) == 5
    class_id = pact.open_class()  # the records give 4 from now on; the kept answers are what is given
    pact.graduate(pact.enrol(class_id, "Bijie"), date(2025, 1, 15))
    await _flushed(assessment_store, service_settings, pact, late=None)
    assert await _graduates(client, f"/rollups/{city.partnership_id}/figures", CLOSED) == 3
    assert await _graduates(client, f"/partnerships/{pact.partnership_id}/figures", CLOSED) == 2
    again = await close_day(assessment_store, "g1", CLOSED, TODAY)
    assert again.kept == 5
    assert await _graduates(client, f"/rollups/{city.partnership_id}/figures", CLOSED) == 3, "not computed again"
    with pytest.raises(DayNotClosed):
        await close_day(assessment_store, "g1", TODAY, TODAY)


async def test_an_answer_from_records_read_before_a_late_fact_was_forgotten_is_not_kept_even_while_it_commits(
    assessment_store: AssessmentStore,
) -> None:
    pool, fields = assessment_store.pool, ()
    question = AsOfQuestion("partnership", uuid4(), AsOf.of(CLOSED), (1,))
    read_before = await standing(pool, "g1", question.text, active=False)
    async with pool.acquire() as conn, conn.transaction():  # a worker's flush that mirrors a late fact
        await forget_late(conn, "g1", EVERY)
    assert not await keep_closed(pool, "g1", question, read_before.seen, fields)

    read_before = await standing(pool, "g1", question.text, active=False)
    async with pool.acquire() as conn:
        flush = conn.transaction()
        await flush.start()
        await forget_late(conn, "g1", EVERY)
        keeping = asyncio.create_task(keep_closed(pool, "g1", question, read_before.seen, fields))
        await eventually(lambda: _waits_on_a_lock(assessment_store))
        assert not keeping.done()
        await flush.commit()
    assert not await keeping
    assert await _kept(assessment_store) == 0

    read_after = await standing(pool, "g1", question.text, active=False)
    assert await keep_closed(pool, "g1", question, read_after.seen, fields)
    assert (await standing(pool, "g1", question.text, active=False)).closed is not None


async def _waits_on_a_lock(store: AssessmentStore) -> bool:
    return bool(await store.pool.fetchval("SELECT count(*) > 0 FROM pg_locks WHERE NOT granted"))


async def test_a_kept_closed_answer_is_the_json_it_was_computed_as_with_or_without_filters_and_as_csv(
    client: httpx.AsyncClient, assessment_store: AssessmentStore, service_settings: ServiceSettings
) -> None:
    city, pact = await _three_levels_mirrored(assessment_store, service_settings, graduated=3)
    asked = [{}, {"version": 1}, {"dimension": "total"}, {"version": 2, "format": "csv"}]
    for path in (f"/partnerships/{pact.partnership_id}/figures", f"/rollups/{city.partnership_id}/figures"):
        computed = [await client.get(path, params={"as_of": CLOSED.isoformat(), **more}) for more in asked]
        assert await _kept(assessment_store) > 0
        queries.answers._kept.clear()  # as another API process answers: from the kept row
        kept = [await client.get(path, params={"as_of": CLOSED.isoformat(), **more}) for more in asked]
        assert [answer.status_code for answer in computed + kept] == [200] * 2 * len(asked)
        assert [answer.content for answer in kept] == [answer.content for answer in computed]
        assert any(f["value"] == 3 for f in computed[0].json()["figures"] if f["metric"] == "graduates")
    array = await assessment_store.pool.fetchval("SELECT figures_json FROM closed_answers LIMIT 1")
    assert array.startswith(b"[{")
