"""404, 409, 422 and Idempotency-Key behaviour of the commands, through real HTTP."""

from datetime import timedelta
from uuid import uuid4

import httpx

from tests.integration.employment.conftest import (
    Cycle,
    credit_code,
    employment_events,
    placement_body,
    student_in,
    today,
)


async def test_unknown_students_offers_and_placements_are_404(employment: httpx.AsyncClient):
    unknown = uuid4()
    assert (
        await employment.post(f"/students/{unknown}/placements", json=placement_body(credit_code()))
    ).status_code == 404
    assert (await employment.post(f"/offers/{unknown}/answer", json={"answer": "declined"})).status_code == 404
    end = await employment.post(f"/placements/{unknown}/end", json={"last_day": "2025-01-01"})
    assert end.status_code == 404
    assert end.json()["code"] == "not_found"
    assert (await employment.get(f"/students/{unknown}/timeline")).status_code == 404
    assert (await employment.get(f"/held-facts/{unknown}")).status_code == 404


async def test_invalid_payloads_and_future_dates_are_422_with_the_reason(employment: httpx.AsyncClient, cycle: Cycle):
    student = uuid4()
    await cycle.graduate(student, today() - timedelta(days=5))
    await student_in(employment, student, "graduated")

    bad = await employment.post(
        f"/students/{student}/placements",
        json=placement_body("not-a-credit-code", location="mars", monthly_wage="-1"),
    )
    assert (bad.status_code, bad.headers["content-type"]) == (422, "application/problem+json")
    assert (bad.json()["code"], bad.json()["status"]) == ("invalid_request", 422)
    fields = {tuple(error["loc"][1:]) for error in bad.json()["errors"]}
    assert {("employer_credit_code",), ("location",), ("monthly_wage",)} <= fields
    tomorrow = (today() + timedelta(days=1)).isoformat()
    future = await employment.post(
        f"/students/{student}/placements", json=placement_body(credit_code(), occurred_on=tomorrow)
    )
    assert future.status_code == 422
    assert (future.json()["code"], "future" in future.json()["detail"]) == ("invalid_fact", True)


async def test_a_repeated_command_with_the_same_idempotency_key_returns_the_first_answer_and_changes_nothing(
    employment: httpx.AsyncClient, cycle: Cycle
):
    student = uuid4()
    await cycle.graduate(student, today() - timedelta(days=5))
    await student_in(employment, student, "graduated")
    body, headers = placement_body(credit_code()), {"Idempotency-Key": f"placement-{student}"}

    first = await employment.post(f"/students/{student}/placements", json=body, headers=headers)
    repeat = await employment.post(f"/students/{student}/placements", json=body, headers=headers)
    other_body = await employment.post(
        f"/students/{student}/placements", json={**body, "monthly_wage": "6000.00"}, headers=headers
    )

    assert first.status_code == repeat.status_code == 201
    assert repeat.json() == first.json()
    assert (other_body.status_code, other_body.json()["code"]) == (409, "conflict")
    placements = (await employment.get("/placements", params={"student_id": str(student)})).json()["items"]
    assert len(placements) == 1
    events = [e for e in await employment_events(cycle, 1) if e.student_id == student]
    assert [e.type for e in events] == ["Placed"]


async def test_further_study_offers_and_answers_follow_the_state_machine(employment: httpx.AsyncClient, cycle: Cycle):
    student, code = uuid4(), credit_code()
    await cycle.graduate(student, today() - timedelta(days=5))
    await student_in(employment, student, "graduated")

    offer = await employment.post(
        f"/students/{student}/offers",
        json={"employer_name": "Guangzhou Metro", "employer_credit_code": code, "monthly_wage": "5000"},
    )
    assert offer.status_code == 201, offer.text
    offer_id = offer.json()["subject_id"]
    declined = await employment.post(f"/offers/{offer_id}/answer", json={"answer": "declined", "reason": "too far"})
    assert declined.status_code == 201
    assert (await employment.post(f"/offers/{offer_id}/answer", json={"answer": "accepted"})).status_code == 409
    assert (await employment.get(f"/offers/{offer_id}")).json()["decline_reason"] == "too far"

    study = {"institution": "Guangzhou Railway Polytechnic", "start_on": today().isoformat()}
    assert (await employment.post(f"/students/{student}/further-study", json=study)).status_code == 201
    twice = await employment.post(f"/students/{student}/further-study", json=study)
    assert twice.status_code == 409
    assert "already in further study" in twice.json()["detail"]
    assert (await employment.get(f"/students/{student}")).json()["employment_status"] == "in_further_study"
    household = await employment.post(f"/students/{student}/household-status", json={"poor_household": False})
    assert household.status_code == 201
    view = (await employment.get(f"/students/{student}")).json()
    assert view["poor_household"] is False
    listed = (await employment.get("/further-studies", params={"student_id": str(student)})).json()["items"]
    assert [s["institution"] for s in listed] == ["Guangzhou Railway Polytechnic"]
