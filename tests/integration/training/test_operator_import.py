"""The operator-only import: facts from an older system keep their recorded_at and pass the same rules, once."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import httpx

from shared.config import ServiceSettings
from shared.security.identity import Role
from tests.integration.training.conftest import OPERATOR_TOKEN, Recruitment, enrol_cohort
from tests.support.http import authenticated, provision
from tests.support.kafka import envelopes, read_all

OPERATOR = {"X-Operator-Token": OPERATOR_TOKEN}


def _facts(student: str) -> list[dict[str, object]]:
    return [
        {
            "import_id": f"legacy-{student}-2",
            "recorded_at": "2025-07-05T09:30:00+08:00",
            "command": {"type": "Graduate", "student_id": student, "graduated_on": "2025-07-04"},
        },
        {
            "import_id": f"legacy-{student}-1",
            "recorded_at": "2025-04-02T10:00:00+08:00",
            "command": {"type": "StartBreak", "student_id": student, "start_on": "2025-04-01", "reason": "illness"},
        },
        {
            "import_id": f"legacy-{student}-1b",
            "recorded_at": "2025-04-20T10:00:00+08:00",
            "command": {"type": "EndBreak", "student_id": student, "end_on": "2025-04-20"},
        },
    ]


async def test_the_import_refuses_anyone_without_the_import_scope(
    training: httpx.AsyncClient, service_settings: ServiceSettings
) -> None:
    body = {"facts": _facts("00000000-0000-0000-0000-000000000001")}
    school = await provision(service_settings, Role.SCHOOL, uuid4())
    async with authenticated(training, None) as anonymous, authenticated(training, school) as party:
        assert (await anonymous.post("/admin/import", json=body)).status_code == 401
        assert (await party.post("/admin/import", json=body)).status_code == 403


async def test_imported_facts_keep_their_recorded_at_run_in_order_and_apply_once(
    training: httpx.AsyncClient, recruitment: Recruitment, kafka_bootstrap: str, topic_namespace: str
) -> None:
    cohort = await enrol_cohort(training, recruitment)
    student = str(cohort.students[0])

    first = await training.post("/admin/import", json={"facts": _facts(student)}, headers=OPERATOR)
    again = await training.post("/admin/import", json={"facts": _facts(student)}, headers=OPERATOR)

    assert first.status_code == 200, first.text
    answer = first.json()
    assert (answer["accepted"], answer["duplicate"], answer["held"], answer["refused"]) == (3, 0, 0, 0)
    assert [(r["import_id"], r["outcome"], r["status"]) for r in answer["results"]] == [
        (f"legacy-{student}-1", "accepted", 201),
        (f"legacy-{student}-1b", "accepted", 201),
        (f"legacy-{student}-2", "accepted", 201),
    ], "facts run in the order the older system recorded them"
    assert answer["results"][2]["answer"]["phase"] == "graduated"
    replayed = again.json()
    assert [(r["outcome"], r["status"]) for r in replayed["results"]] == [("duplicate", 200)] * 3
    assert [r["answer"] for r in replayed["results"]] == [r["answer"] for r in answer["results"]]
    events = envelopes(await read_all(kafka_bootstrap, [f"{topic_namespace}cycle.training"], at_least=3))
    assert [e.type for e in events] == ["BreakStarted", "BreakEnded", "Graduated"]
    assert events[2].recorded_at == datetime(2025, 7, 5, 1, 30, tzinfo=UTC)
    assert (await training.get(f"/students/{student}")).json()["phase"] == "graduated"


async def test_the_import_carries_on_past_a_refused_fact_and_answers_each_fact(
    training: httpx.AsyncClient, recruitment: Recruitment
) -> None:
    cohort = await enrol_cohort(training, recruitment)
    student = str(cohort.students[0])
    facts = _facts(student)
    facts[1]["command"] = {"type": "StartBreak", "student_id": student, "start_on": "2024-01-01"}

    response = await training.post("/admin/import", json={"facts": facts}, headers=OPERATOR)

    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["accepted"], answer["refused"]) == (1, 2)
    results = answer["results"]
    assert [(r["outcome"], r["status"]) for r in results] == [("refused", 422), ("refused", 409), ("accepted", 201)]
    assert results[0]["problem"]["code"] == "invalid_fact"
    assert "before the start of the current period" in results[0]["problem"]["detail"]
    assert results[1]["problem"]["code"] == "illegal_transition", "no break was started, so none can end"
    assert results[2]["answer"]["type"] == "Graduated"
    assert (await training.get(f"/students/{student}")).json()["phase"] == "graduated"


async def test_a_fact_naming_no_known_command_is_refused_with_the_field_named(training: httpx.AsyncClient) -> None:
    fact = {"import_id": "x", "recorded_at": "2025-04-02T10:00:00+08:00", "command": {"type": "Enrol"}}

    response = await training.post("/admin/import", json={"facts": [fact]}, headers=OPERATOR)

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][:4] == ["body", "facts", 0, "command"]
