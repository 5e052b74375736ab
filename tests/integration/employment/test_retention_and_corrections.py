from datetime import date, timedelta
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
from tests.support.waiting import eventually


async def _due(client: httpx.AsyncClient, student, as_of: date | None = None) -> list[int]:
    params = {"student_id": str(student), **({"as_of": as_of.isoformat()} if as_of else {})}
    response = await client.get("/retention-checks/due", params=params)
    assert response.status_code == 200, response.text
    return [item["checkpoint_days"] for item in response.json()["items"]]


def _check(k: int, on: date, still: bool = True, same: bool = True, **extra) -> dict:
    return {
        "checkpoint_days": k,
        "still_employed": still,
        "same_employer": same,
        "occurred_on": on.isoformat(),
        **extra,
    }


async def test_checks_due_follow_the_partnership_check_points_until_a_check_is_recorded(
    employment: httpx.AsyncClient, cycle: Cycle
):
    student, day = uuid4(), today()
    await cycle.sign(checkpoints=[60, 120])

    async def learned_check_points() -> bool:
        response = await employment.get(f"/partnerships/{cycle.partnership_id}")
        return response.status_code == 200 and response.json()["retention_checkpoints"] == [60, 120]

    await eventually(learned_check_points)
    await cycle.graduate(student, day - timedelta(days=140))
    await student_in(employment, student, "graduated")
    start = day - timedelta(days=130)
    placed = await employment.post(f"/students/{student}/placements", json=placement_body(credit_code(), start))
    placement = placed.json()["subject_id"]
    checks = f"/placements/{placement}/retention-checks"

    assert await _due(employment, student) == [60, 120]
    assert await _due(employment, student, as_of=start + timedelta(days=100)) == [60]
    not_a_check_point = await employment.post(checks, json=_check(90, start + timedelta(days=95)))
    assert not_a_check_point.status_code == 422
    assert "[60, 120]" in not_a_check_point.json()["detail"]
    too_early = await employment.post(checks, json=_check(60, start + timedelta(days=59)))
    assert too_early.status_code == 422
    on_time = await employment.post(
        checks, json=_check(60, start + timedelta(days=61), monthly_wage="5400.00", evidence="social_insurance_record")
    )
    assert on_time.status_code == 201, on_time.text
    assert await _due(employment, student) == [120]

    ended = await employment.post(
        f"/placements/{placement}/end", json={"last_day": (start + timedelta(days=70)).isoformat()}
    )
    assert ended.status_code == 201
    elsewhere = await employment.post(checks, json=_check(120, start + timedelta(days=121), same=False))
    assert elsewhere.status_code == 201
    assert await _due(employment, student) == []

    recorded = (await employment.get("/retention-checks", params={"placement_id": placement})).json()["items"]
    assert [(c["checkpoint_days"], c["evidence"], c["same_employer"]) for c in recorded] == [
        (60, "social_insurance_record", True),
        (120, "school_record", False),
    ]
    events = [e for e in await employment_events(cycle, 4) if e.type == "RetentionChecked"]
    assert [(e.data.checkpoint_days, e.evidence.value) for e in events] == [
        (60, "social_insurance_record"),
        (120, "school_record"),
    ]


async def test_a_corrected_start_moves_the_checks_due_and_a_retraction_removes_the_placement_and_its_checks(
    employment: httpx.AsyncClient, cycle: Cycle
):
    student, day = uuid4(), today()
    await cycle.graduate(student, day - timedelta(days=300))
    await student_in(employment, student, "graduated")
    placed = await employment.post(
        f"/students/{student}/placements", json=placement_body(credit_code(), day - timedelta(days=100))
    )
    placement, placed_event = placed.json()["subject_id"], placed.json()["event_id"]
    assert await _due(employment, student) == [90], "a partnership employment never heard of has 90/180/365"

    new_start = day - timedelta(days=200)
    correction = await employment.post(
        f"/events/{placed_event}/corrections",
        json={"fields": {"start_on": new_start.isoformat()}, "reason": "start date misread from the contract"},
    )
    assert correction.status_code == 201, correction.text
    assert await _due(employment, student) == [90, 180]
    assert (await employment.get(f"/placements/{placement}")).json()["start_on"] == new_start.isoformat()
    check = await employment.post(
        f"/placements/{placement}/retention-checks", json=_check(90, new_start + timedelta(days=90))
    )
    assert check.status_code == 201, check.text

    retraction = await employment.post(
        f"/events/{placed_event}/retractions", json={"reason": "recorded for the wrong student"}
    )
    assert retraction.status_code == 201, retraction.text
    assert (await employment.post(f"/events/{placed_event}/retractions", json={"reason": "again"})).status_code == 409
    assert (await employment.get(f"/placements/{placement}")).status_code == 404
    assert (await employment.get("/retention-checks", params={"placement_id": placement})).json()["items"] == []
    assert await _due(employment, student) == []
    assert (await employment.get(f"/students/{student}")).json()["employment_status"] == "not_working"
    again = await employment.post(f"/students/{student}/placements", json=placement_body(credit_code()))
    assert again.status_code == 201

    timeline = (await employment.get(f"/students/{student}/timeline")).json()["items"]
    assert [e["type"] for e in timeline] == ["Placed", "EventCorrected", "RetentionChecked", "EventRetracted", "Placed"]
    assert timeline[1]["supersedes"] == timeline[3]["supersedes"] == placed_event
