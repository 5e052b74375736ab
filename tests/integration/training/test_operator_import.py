"""The operator-only import: facts from an older system keep their recorded_at and pass the same rules, once."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from tests.integration.training.conftest import OPERATOR_TOKEN, Recruitment, enrol_cohort
from tests.support.kafka import envelopes, read_all

OPERATOR = {"X-Operator-Token": OPERATOR_TOKEN}


def _facts(student: str) -> list[dict[str, object]]:
    return [
        {
            "import_id": f"legacy-{student}-2",
            "recorded_at": "2025-07-05T09:30:00+08:00",
            "kind": "graduated",
            "target_id": student,
            "body": {"graduated_on": "2025-07-04"},
        },
        {
            "import_id": f"legacy-{student}-1",
            "recorded_at": "2025-04-02T10:00:00+08:00",
            "kind": "break_started",
            "target_id": student,
            "body": {"start_on": "2025-04-01", "reason": "illness"},
        },
        {
            "import_id": f"legacy-{student}-1b",
            "recorded_at": "2025-04-20T10:00:00+08:00",
            "kind": "break_ended",
            "target_id": student,
            "body": {"end_on": "2025-04-20"},
        },
    ]


async def test_the_import_refuses_anyone_without_the_operator_token(training: httpx.AsyncClient) -> None:
    body = {"facts": _facts("00000000-0000-0000-0000-000000000001")}
    assert (await training.post("/admin/import", json=body)).status_code == 403
    assert (await training.post("/admin/import", json=body, headers={"X-Operator-Token": "guess"})).status_code == 403


async def test_imported_facts_keep_their_recorded_at_run_in_order_and_apply_once(
    training: httpx.AsyncClient, recruitment: Recruitment, kafka_bootstrap: str, topic_namespace: str
) -> None:
    cohort = await enrol_cohort(training, recruitment)
    student = str(cohort.students[0])

    first = await training.post("/admin/import", json={"facts": _facts(student)}, headers=OPERATOR)
    again = await training.post("/admin/import", json={"facts": _facts(student)}, headers=OPERATOR)

    assert first.status_code == 200, first.text
    assert first.json()["complete"] is True
    assert [r["import_id"] for r in first.json()["results"]] == [
        f"legacy-{student}-1",
        f"legacy-{student}-1b",
        f"legacy-{student}-2",
    ], "facts run in the order the older system recorded them"
    assert again.json() == first.json()
    events = envelopes(await read_all(kafka_bootstrap, [f"{topic_namespace}cycle.training"], at_least=3))
    assert [e.type for e in events] == ["BreakStarted", "BreakEnded", "Graduated"]
    assert events[2].recorded_at == datetime(2025, 7, 5, 1, 30, tzinfo=UTC)
    assert (await training.get(f"/students/{student}")).json()["phase"] == "graduated"


async def test_a_refused_fact_stops_the_import_and_the_rest_is_skipped(
    training: httpx.AsyncClient, recruitment: Recruitment
) -> None:
    cohort = await enrol_cohort(training, recruitment)
    student = str(cohort.students[0])
    facts = _facts(student)
    facts[1]["body"] = {"start_on": "2024-01-01", "reason": "before the enrolment"}

    answer = (await training.post("/admin/import", json={"facts": facts}, headers=OPERATOR)).json()

    assert answer["complete"] is False
    assert [(r["outcome"], r["status"]) for r in answer["results"]] == [
        ("refused", 422),
        ("skipped", None),
        ("skipped", None),
    ]
    assert (await training.get(f"/students/{student}")).json()["phase"] == "active"
