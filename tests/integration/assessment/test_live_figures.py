"""The scripted cohort through the real broker: live figures, roll-ups, alerts, dead letters, rebuild, as-of."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import uuid4

import httpx

from services.assessment.app import create_app
from services.assessment.live import live_figures
from services.assessment.rebuild import rebuild
from services.assessment.store import AssessmentStore
from shared.config import ServiceSettings
from shared.contracts.registry import ALERTS_TOPIC, dead_letter_topic
from tests.support.assessment import (
    assessment_settings,
    by_key,
    publish_script,
    running_worker,
    settle,
)
from tests.support.http import as_operator
from tests.support.kafka import envelopes, publish_raw, read_all
from tests.unit.assessment.scripted_cohort import scripted_cohort
from tests.unit.assessment.test_scripted_cohort_figures import EXPECTED_V1, EXPECTED_V2


def readings(found: list, version: int) -> dict[str, tuple]:
    return {
        f.metric: (f.numerator, f.denominator, f.value)
        for f in found
        if f.version == version and f.dimension == "total"
    }


def answered_readings(answered: list[dict]) -> dict[tuple, tuple]:
    return {(f["dimension"], f["bucket"], f["metric"], f["version"]): (f["numerator"], f["denominator"], f["value"],
            f["final"], f["as_of"]) for f in answered}  # fmt: skip


def row_readings(rows: list) -> dict[tuple, tuple]:
    def number(value: Decimal | None) -> float | None:
        return None if value is None else float(value)

    return {(f.dimension, f.bucket, f.metric, f.version): (number(f.numerator), number(f.denominator),
            number(f.value), f.final, f.as_of.isoformat()) for f in rows}  # fmt: skip


async def test_live_figures_roll_ups_alerts_and_rebuild_match_the_hand_count(
    service_settings: ServiceSettings, assessment_store: AssessmentStore, tmp_path: Path
) -> None:
    settings = assessment_settings(service_settings)
    alliance = uuid4()
    cohort = scripted_cohort(parent_id=alliance)
    events = cohort.script.events
    bootstrap, namespace = settings.kafka_bootstrap_servers, settings.topic_namespace
    # Duplicates: every fifth event is delivered twice; garbage in between must not stop the worker.
    await publish_script(bootstrap, namespace, events[:40])
    await publish_raw(
        bootstrap,
        f"{namespace}cycle.training",
        str(cohort.script.partnership_id).encode(),
        b"not an event",
        [("ce_type", b"cycle.Graduated")],
    )
    await publish_script(bootstrap, namespace, events[40:] + events[::5])
    with running_worker(settings, tmp_path / "worker.log"):
        await settle(assessment_store, settings)

    scope = f"partnership:{cohort.script.partnership_id}"
    live = await assessment_store.figures(settings.generation, scope)
    assert {m: readings(live, 1)[m] for m in EXPECTED_V1} == EXPECTED_V1
    assert {m: readings(live, 2)[m] for m in EXPECTED_V2} == EXPECTED_V2

    rolled = readings(await assessment_store.figures(settings.generation, f"rollup:{alliance}"), 1)
    assert rolled["employment_rate"] == (Decimal(4), Decimal(6), Decimal("0.6667"))
    assert rolled["starting_wage_median"] == (None, Decimal(3), Decimal("4000"))

    [dead] = await read_all(bootstrap, [dead_letter_topic("assessment", namespace)], at_least=1)
    assert dead.value == b"not an event"
    assert b"undecodable" in dead.headers["dlq_reason"]
    alerts = envelopes(await read_all(bootstrap, [namespace + ALERTS_TOPIC], at_least=1))
    # A flush may land while the events are still arriving (a first breach at another value); whatever came
    # between, the last alert is a breach: the target is not met today (its value is checked through the API below).
    assert alerts[-1].type == "TargetBreached"

    report = await rebuild(settings, generation="g2", timeout=120, log_path=tmp_path / "rebuild.log")
    assert report.activated
    rebuilt = await assessment_store.all_figures("g2")
    assert by_key(rebuilt) == by_key(await assessment_store.all_figures(settings.generation))

    app = as_operator(create_app(settings))
    app.state.store = assessment_store
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://assessment") as client:
        now = (
            await client.get(
                f"/partnerships/{cohort.script.partnership_id}/figures", params={"version": 1, "dimension": "total"}
            )
        ).json()
        assert now["generation"] == "g2"
        assert now["live"]
        for path, read in ((f"/partnerships/{cohort.script.partnership_id}/figures", scope),
                           (f"/rollups/{alliance}/figures", f"rollup:{alliance}")):  # fmt: skip
            rows = row_readings(await assessment_store.figures("g2", read))
            tallies = await assessment_store.live_tallies("g2", read)
            assert row_readings(live_figures(read, tallies)) == rows != {}, "the tallies render the rows' figures"
            assert answered_readings((await client.get(path)).json()["figures"]) == rows
        as_of_d = (
            await client.get(
                f"/partnerships/{cohort.script.partnership_id}/figures",
                params={"version": 1, "dimension": "total", "as_of": "2026-06-30"},
            )
        ).json()
        assert sorted(now["figures"], key=lambda f: f["metric"]) == sorted(
            as_of_d["figures"], key=lambda f: f["metric"]
        )
        mid = (
            await client.get(
                f"/partnerships/{cohort.script.partnership_id}/figures",
                params={"version": 1, "dimension": "total", "as_of": "2024-06-30"},
            )
        ).json()
        active = next(f for f in mid["figures"] if f["metric"] == "active")
        assert (active["value"], active["final"]) == (8, False)  # S1 S2 S6 S8 S9 S10 S11 S12
        csv = await client.get(f"/rollups/{alliance}/figures", params={"format": "csv", "as_of": "2026-06-30"})
        assert csv.headers["content-type"].startswith("text/csv")
        assert f"rollup:{alliance},total,,employment_rate,1,4,6,0.6667,false,2026-06-30" in csv.text
        [target] = (await client.get(f"/partnerships/{cohort.script.partnership_id}/targets")).json()
        assert (target["actual"], target["met"], target["final"]) == (0.6667, False, False)
        ranking = (await client.get("/rankings/employment_rate")).json()
        assert ranking["ranking"][0]["scope"] == scope
        assert ranking["ranking"][0]["value"] == 0.6667
        frozen = (await client.post("/snapshots/2025-06")).json()
        assert frozen["period_kind"] == "monthly"
        assert frozen["frozen"] > 0
        snap = (await client.get(f"/snapshots/monthly/2025-06/{scope}", params={"version": 1})).json()
        graduates = next(f for f in snap["figures"] if f["metric"] == "graduates" and f["dimension"] == "total")
        # S1 S2 S6 S8 S10 and S7 (graduated that day); S9's exclusion was recorded later, in September
        assert (graduates["value"], graduates["as_of"]) == (7, str(date(2025, 6, 30)))
        assert (await client.get("/health")).json() == {"status": "ok", "generation": "g2"}
