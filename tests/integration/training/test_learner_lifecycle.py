"""A learner's state machine through real HTTP, with its events on the training topic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import httpx

from shared.application.clock import business_today
from shared.contracts.training import TransferredToClass
from tests.integration.training.conftest import Recruitment, enrol_cohort, known
from tests.support.kafka import envelopes, read_all


async def test_a_learner_moves_through_break_transfer_withdrawal_restart_and_graduation(
    training: httpx.AsyncClient, recruitment: Recruitment, kafka_bootstrap: str, topic_namespace: str
) -> None:
    cohort = await enrol_cohort(training, recruitment)
    other = await enrol_cohort(training, recruitment, size=0)
    student = cohort.students[0]
    steps = [
        ("breaks", {"start_on": "2025-04-07", "reason": "harvest"}, "on_break"),
        ("breaks/current/end", {"end_on": "2025-04-21"}, "active"),
        ("transfers", {"to_class_id": str(other.class_id), "start_on": "2025-05-05"}, "active"),
        ("withdrawal", {"last_day": "2025-05-30", "reason": "family"}, "withdrawn"),
        ("restarts", {"start_on": "2025-09-01"}, "active"),
        ("graduation", {"graduated_on": "2026-01-16"}, "graduated"),
    ]
    for path, body, phase in steps:
        response = await training.post(f"/students/{student}/{path}", json=body)
        assert response.status_code == 201, response.text
        assert response.json()["phase"] == phase

    learner = (await training.get(f"/students/{student}")).json()
    assert learner["class_id"] == str(other.class_id), "the restart continues in the class of the latest period"
    assert (learner["first_start_on"], learner["period_start_on"]) == ("2025-03-03", "2025-09-01")

    records = await read_all(kafka_bootstrap, [f"{topic_namespace}cycle.training"], at_least=6)
    events = envelopes(records)
    assert [e.type for e in events] == [
        "BreakStarted",
        "BreakEnded",
        "TransferredToClass",
        "Withdrawn",
        "Restarted",
        "Graduated",
    ]
    assert {r.key for r in records} == {str(recruitment.partnership_id).encode()}
    assert records[3].headers["ce_type"] == b"cycle.Withdrawn"
    assert records[3].headers["ce_studentid"] == str(student).encode()
    assert records[3].headers["ce_occurredon"] == b"2025-05-30"
    assert events[2].class_id == other.class_id
    assert isinstance(events[2].data, TransferredToClass)
    assert events[2].data.from_class_id == cohort.class_id
    timeline = (await training.get(f"/students/{student}/timeline")).json()["items"]
    assert [entry["event_id"] for entry in timeline] == [str(e.id) for e in events]


async def test_a_second_exit_and_moves_the_state_machine_forbids_are_409_with_the_reason(
    training: httpx.AsyncClient, recruitment: Recruitment
) -> None:
    cohort = await enrol_cohort(training, recruitment, size=2)
    graduate, on_break = cohort.students
    assert (await training.post(f"/students/{graduate}/graduation", json={"graduated_on": "2025-12-19"})).is_success
    assert (await training.post(f"/students/{on_break}/breaks", json={"start_on": "2025-04-07"})).is_success

    refused = {
        "second exit": await training.post(
            f"/students/{graduate}/withdrawal", json={"last_day": "2025-12-20", "reason": "other"}
        ),
        "graduating twice": await training.post(
            f"/students/{graduate}/graduation", json={"graduated_on": "2026-01-09"}
        ),
        "graduating on a break": await training.post(
            f"/students/{on_break}/graduation", json={"graduated_on": "2025-12-19"}
        ),
        "restarting without a withdrawal": await training.post(
            f"/students/{graduate}/restarts", json={"start_on": "2026-03-02"}
        ),
        "a second break": await training.post(f"/students/{on_break}/breaks", json={"start_on": "2025-04-08"}),
    }
    for what, response in refused.items():
        assert response.status_code == 409, what
        assert response.json()["code"] == "illegal_transition", what
    assert "second exit" in refused["second exit"].json()["detail"]


async def test_a_transfer_to_a_class_of_another_partnership_moves_the_student_there_and_to_an_unknown_class_is_404(
    training: httpx.AsyncClient, recruitment: Recruitment, kafka_bootstrap: str, topic_namespace: str
) -> None:
    cohort = await enrol_cohort(training, recruitment)
    student, elsewhere = cohort.students[0], uuid4()
    foreign = recruitment.class_opened(partnership_id=elsewhere)
    await recruitment.publish(foreign)
    await known(training, f"/classes/{foreign.class_id}")

    moved = await training.post(
        f"/students/{student}/transfers", json={"to_class_id": str(foreign.class_id), "start_on": "2025-05-05"}
    )
    unknown = await training.post(
        f"/students/{student}/transfers", json={"to_class_id": str(uuid4()), "start_on": "2025-05-06"}
    )
    graduated = await training.post(f"/students/{student}/graduation", json={"graduated_on": "2025-12-19"})

    assert (moved.status_code, moved.json()["class_id"]) == (201, str(foreign.class_id)), moved.text
    assert unknown.status_code == 404
    assert graduated.status_code == 201, graduated.text
    learner = (await training.get(f"/students/{student}")).json()
    assert (learner["partnership_id"], learner["class_id"]) == (str(elsewhere), str(foreign.class_id))
    assert (learner["first_start_on"], learner["period_start_on"]) == ("2025-03-03", "2025-05-05")
    records = await read_all(kafka_bootstrap, [f"{topic_namespace}cycle.training"], at_least=2)
    assert [(r.headers["ce_type"], r.key) for r in records] == [
        (b"cycle.TransferredToClass", str(elsewhere).encode()),
        (b"cycle.Graduated", str(elsewhere).encode()),
    ], "DOMAIN.md: from the transfer on, the student's facts belong to the new partnership"
    transfer = envelopes(records)[0]
    assert isinstance(transfer.data, TransferredToClass)
    assert (transfer.class_id, transfer.data.from_class_id) == (foreign.class_id, cohort.class_id)


async def test_invalid_payloads_and_future_dates_are_422_with_the_fields_named(
    training: httpx.AsyncClient, recruitment: Recruitment
) -> None:
    cohort = await enrol_cohort(training, recruitment)
    student = cohort.students[0]
    tomorrow = (business_today(datetime.now(UTC)) + timedelta(days=1)).isoformat()

    missing = await training.post(f"/students/{student}/withdrawal", json={"reason": "bored"})
    future = await training.post(f"/students/{student}/withdrawal", json={"last_day": tomorrow, "reason": "family"})
    backwards = await training.post(
        f"/students/{student}/withdrawal", json={"last_day": "2025-01-01", "reason": "family"}
    )

    assert (missing.status_code, missing.headers["content-type"]) == (422, "application/problem+json")
    assert {tuple(error["loc"]) for error in missing.json()["errors"]} == {("body", "last_day"), ("body", "reason")}
    assert (future.status_code, future.json()["code"]) == (422, "invalid_fact")
    assert "future" in future.json()["detail"]
    assert (backwards.status_code, backwards.json()["code"]) == (422, "invalid_fact")
    assert (await training.get(f"/students/{student}")).json()["phase"] == "active"


async def test_a_repeated_command_with_the_same_idempotency_key_returns_the_first_answer_and_changes_nothing(
    training: httpx.AsyncClient, recruitment: Recruitment, kafka_bootstrap: str, topic_namespace: str
) -> None:
    cohort = await enrol_cohort(training, recruitment)
    path = f"/students/{cohort.students[0]}/withdrawal"
    body = {"last_day": "2025-05-30", "reason": "family"}
    headers = {"Idempotency-Key": f"withdraw-{uuid4()}"}

    first = await training.post(path, json=body, headers=headers)
    again = await training.post(path, json=body, headers=headers)
    reused = await training.post(path, json={**body, "reason": "health"}, headers=headers)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert reused.status_code == 409
    records = await read_all(kafka_bootstrap, [f"{topic_namespace}cycle.training"], at_least=1)
    assert [r.headers["ce_type"] for r in records] == [b"cycle.Withdrawn"]


async def test_retracting_a_graduation_or_a_withdrawal_restores_the_learners_previous_state(
    training: httpx.AsyncClient, recruitment: Recruitment
) -> None:
    cohort = await enrol_cohort(training, recruitment, size=2)
    graduate, leaver = cohort.students
    graduated = await training.post(f"/students/{graduate}/graduation", json={"graduated_on": "2025-12-19"})
    withdrawn = await training.post(
        f"/students/{leaver}/withdrawal", json={"last_day": "2025-04-30", "reason": "health"}
    )
    restarted = await training.post(f"/students/{leaver}/restarts", json={"start_on": "2025-09-01"})

    await _retract(training, graduated.json()["event_id"], expected=201)
    blocked = await _retract(training, withdrawn.json()["event_id"], expected=409)
    assert "Restarted" in blocked["detail"]
    await _retract(training, restarted.json()["event_id"], expected=201)
    assert (await training.get(f"/students/{leaver}")).json()["phase"] == "withdrawn"
    await _retract(training, withdrawn.json()["event_id"], expected=201)

    for student in (graduate, leaver):
        learner = (await training.get(f"/students/{student}")).json()
        assert (learner["phase"], learner["graduated_on"], learner["last_day"]) == ("active", None, None)
    again = await training.post(f"/students/{graduate}/graduation", json={"graduated_on": "2026-01-09"})
    assert again.status_code == 201, "after the retraction the learner may graduate again"
    timeline = (await training.get(f"/students/{graduate}/timeline")).json()["items"]
    assert [entry["type"] for entry in timeline] == ["Graduated", "EventRetracted", "Graduated"]
    assert timeline[1]["supersedes"] == graduated.json()["event_id"]


async def _retract(client: httpx.AsyncClient, event_id: str, expected: int) -> dict[str, str]:
    response = await client.post(f"/events/{event_id}/retractions", json={"reason": "recorded for the wrong student"})
    assert response.status_code == expected, response.text
    body: dict[str, str] = response.json()
    return body
