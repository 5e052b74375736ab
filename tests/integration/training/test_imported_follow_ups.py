"""Corrections and retractions through the operator import: each counts from its own recorded_at (issue 14)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from tests.integration.training.conftest import OPERATOR_TOKEN, Recruitment, enrol_cohort
from tests.support.kafka import envelopes, read_all

OPERATOR = {"X-Operator-Token": OPERATOR_TOKEN}


async def test_imported_corrections_and_retractions_keep_their_own_recorded_at(
    training: httpx.AsyncClient, recruitment: Recruitment, kafka_bootstrap: str, topic_namespace: str
) -> None:
    cohort = await enrol_cohort(training, recruitment)
    student = str(cohort.students[0])
    withdraw = {"type": "Withdraw", "student_id": student, "last_day": "2025-05-30", "reason": "family"}
    withdrawn = await training.post(
        "/admin/import",
        json={
            "facts": [{"import_id": f"w-{student}", "recorded_at": "2025-06-02T09:00:00+08:00", "command": withdraw}]
        },
        headers=OPERATOR,
    )
    event_id = withdrawn.json()["results"][0]["answer"]["event_id"]
    correct = {"type": "CorrectEvent", "event_id": event_id, "fields": {"reason": "health"}, "reason": "misread"}
    retract = {"type": "RetractEvent", "event_id": event_id, "reason": "recorded for the wrong student"}
    follow_ups = [
        {"import_id": f"r-{student}", "recorded_at": "2025-06-20T09:00:00+08:00", "command": retract},
        {"import_id": f"c-{student}", "recorded_at": "2025-06-10T09:00:00+08:00", "command": correct},
    ]

    answer = (await training.post("/admin/import", json={"facts": follow_ups}, headers=OPERATOR)).json()

    assert [(r["import_id"], r["outcome"]) for r in answer["results"]] == [
        (f"c-{student}", "accepted"),
        (f"r-{student}", "accepted"),
    ], answer
    events = envelopes(await read_all(kafka_bootstrap, [f"{topic_namespace}cycle.training"], at_least=3))
    assert [(e.type, e.recorded_at, str(e.supersedes)) for e in events[1:]] == [
        ("EventCorrected", datetime(2025, 6, 10, 1, tzinfo=UTC), event_id),
        ("EventRetracted", datetime(2025, 6, 20, 1, tzinfo=UTC), event_id),
    ], "issue 14: a correction or a retraction counts from when it was recorded"
    assert (await training.get(f"/students/{student}")).json()["phase"] == "active"
