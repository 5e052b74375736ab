"""A live answer is rendered from a scope's tallies while the live flush has counted more of its partition than the
figures rows, and read from the rows once they have caught up: the same figures either way."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import httpx

from services.assessment.app import create_app
from services.assessment.live import live_figures
from services.assessment.metrics.catalog import VERSIONS
from services.assessment.metrics.clock import AsOf
from services.assessment.metrics.scope import group, partnership_tally
from services.assessment.runtime import partition_of
from services.assessment.store import AssessmentStore, FlushBatch
from shared.config import ServiceSettings
from tests.support.assessment import assessment_settings
from tests.support.http import as_operator
from tests.unit.assessment.builders import records_of
from tests.unit.assessment.scripted_cohort import scripted_cohort

DAY = date(2026, 6, 30)


def readings(answered: list[dict]) -> dict[tuple, tuple]:
    return {(f["dimension"], f["bucket"], f["metric"], f["version"]): (f["numerator"], f["value"], f["final"])
            for f in answered}  # fmt: skip


async def test_a_live_answer_comes_from_the_tallies_while_they_are_ahead_of_the_rows_and_from_the_rows_after(
    service_settings: ServiceSettings, assessment_store: AssessmentStore
) -> None:
    settings = assessment_settings(service_settings)
    partitions, owner = settings.topic_partitions, uuid4().hex
    await assessment_store.register_generation("g1")
    await assessment_store.claim("g1", owner, 1, range(partitions))
    cohort = scripted_cohort()
    pid = cohort.script.partnership_id
    scope, topic, partition = f"partnership:{pid}", "cycle.training", partition_of(pid, partitions)
    [records] = group(records_of(cohort.script.events)).values()
    tallies = [(scope, v, DAY, partnership_tally(records, AsOf.of(DAY), VERSIONS[v])[0].pack()) for v in VERSIONS]
    rendered = live_figures(scope, [(v, day, packed) for _, v, day, packed in tallies])

    def mine(other: object) -> int:
        return partition_of(other, partitions)  # type: ignore[arg-type]

    app = as_operator(create_app(settings))
    app.state.store = assessment_store
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://assessment") as client:

        async def answered() -> dict[tuple, tuple]:
            return readings((await client.get(f"/partnerships/{pid}/figures")).json()["figures"])

        stale = [f for f in rendered if f.metric != "graduates"]  # rows that lack a figure the tallies have
        at_five, at_six = {(topic, partition): 5}, {(topic, partition): 6}
        await assessment_store.write_flush("g1", owner, FlushBatch(figures=stale, progress=at_five), mine)
        assert len(await answered()) == len(stale), "rows and tallies count as far: the rows answer"
        assert len(await answered()) == len(stale), "asked again: the body kept from the same rows"

        ahead = FlushBatch(tallies=tallies, progress=at_six)
        await assessment_store.write_live("g1", owner, ahead, mine)
        from_tallies = await answered()
        assert len(from_tallies) == len(rendered) > len(stale), "the live flush counts more: the tallies answer"

        await assessment_store.write_flush("g1", owner, FlushBatch(figures=rendered, progress=at_six), mine)
        assert await answered() == from_tallies, "the rows caught up: they answer the same figures"

        gone = rendered[0]
        later = FlushBatch(removed=[gone.key], progress={(topic, partition): 7})
        await assessment_store.write_flush("g1", owner, later, mine)
        assert len(await answered()) == len(rendered) - 1, "the rows count further: the rows answer"
