"""The documented rule for facts that arrive before the graduation they follow (learning.py): held, never lost."""

from datetime import datetime, timedelta
from uuid import uuid4

import httpx

from shared.contracts.base import Stage
from tests.integration.employment.conftest import (
    Cycle,
    credit_code,
    employment_events,
    placement_body,
    student_in,
    today,
)
from tests.support.waiting import eventually


async def _held_facts(client: httpx.AsyncClient, student, status: str, count: int) -> list[dict]:
    async def probe() -> list[dict] | None:
        items = (await client.get("/held-facts", params={"student_id": str(student), "status": status})).json()["items"]
        return items if len(items) == count else None

    return await eventually(probe, timeout=30)


async def test_facts_for_a_student_in_training_are_held_then_applied_in_order_when_the_graduation_arrives(
    employment: httpx.AsyncClient, cycle: Cycle
):
    student, code = uuid4(), credit_code()
    await cycle.sign()
    await cycle.enrol(student)
    await student_in(employment, student, "enrolled")

    offer = await employment.post(
        f"/students/{student}/offers",
        json={"employer_name": "Xinwanda Electronics", "employer_credit_code": code, "monthly_wage": "4800.00"},
    )
    assert offer.status_code == 202, offer.text
    assert (offer.json()["status"], offer.json()["type"]) == ("held", "JobOffered")
    offer_id = offer.json()["subject_id"]
    accepted = await employment.post(f"/offers/{offer_id}/answer", json={"answer": "accepted"})
    assert accepted.status_code == 202, accepted.text
    placed = await employment.post(
        f"/students/{student}/placements", json=placement_body(code, today() - timedelta(days=100))
    )
    assert placed.status_code == 202, placed.text
    placement_id = placed.json()["subject_id"]
    assert (await employment.get(f"/placements/{placement_id}")).status_code == 404
    check = await employment.post(
        f"/placements/{placement_id}/retention-checks",
        json={"checkpoint_days": 90, "still_employed": True, "same_employer": True},
    )
    assert check.status_code == 202, "issue 14: a check of a held placement is held in turn, not refused"
    assert (check.json()["type"], check.json()["subject_id"]) == ("RetentionChecked", placement_id)
    assert (await employment.get(f"/students/{student}")).json()["held_facts"] == 4
    assert (await employment.get(f"/students/{student}/timeline")).json()["items"] == []

    await cycle.graduate(student, today() - timedelta(days=15))
    applied = await _held_facts(employment, student, "applied", 4)

    assert [h["kind"] for h in applied] == ["offer_job", "answer_offer", "place_student", "check_retention"]
    assert all(h["event_id"] for h in applied)
    placement = (await employment.get(f"/placements/{placement_id}")).json()
    assert placement["student_id"] == str(student)
    assert (await employment.get(f"/offers/{offer_id}")).json()["status"] == "accepted"
    events = [e for e in await employment_events(cycle, 4) if e.student_id == student]
    assert [e.type for e in events] == ["JobOffered", "OfferAccepted", "Placed", "RetentionChecked"]
    assert [str(e.id) for e in events] == [h["event_id"] for h in applied]
    received = [datetime.fromisoformat(h["received_at"]) for h in applied]
    assert [e.recorded_at for e in events] == received, "issue 14: a held fact is applied with its own time"
    [checked] = (await employment.get("/retention-checks", params={"placement_id": placement_id})).json()["items"]
    assert datetime.fromisoformat(checked["recorded_at"]) == received[3]
    student_view = (await employment.get(f"/students/{student}")).json()
    assert (student_view["employment_status"], student_view["held_facts"]) == ("placed", 0)


async def test_held_facts_are_rejected_and_stay_visible_when_a_withdrawal_arrives_instead(
    employment: httpx.AsyncClient, cycle: Cycle
):
    student = uuid4()
    await cycle.sign()
    await cycle.enrol(student)
    await student_in(employment, student, "enrolled")
    held = await employment.post(f"/students/{student}/placements", json=placement_body(cycle.sponsor_code))
    assert held.status_code == 202, held.text
    study = await employment.post(
        f"/students/{student}/further-study",
        json={"institution": "Guangzhou Railway Polytechnic", "start_on": "2024-09-01"},
    )
    assert study.status_code == 202, study.text

    await cycle.withdraw(student, today() - timedelta(days=40))
    rejected = await _held_facts(employment, student, "rejected", 2)

    assert all("withdrew" in h["reason"] and h["event_id"] is None for h in rejected)
    one = (await employment.get(f"/held-facts/{held.json()['held_id']}")).json()
    assert (one["status"], one["command"]["employer_credit_code"]) == ("rejected", cycle.sponsor_code)
    again = await employment.post(f"/students/{student}/placements", json=placement_body(cycle.sponsor_code))
    assert again.status_code == 409
    assert "withdrew" in again.json()["detail"]
    check = await employment.post(
        f"/placements/{held.json()['subject_id']}/retention-checks",
        json={"checkpoint_days": 90, "still_employed": True, "same_employer": True},
    )
    assert check.status_code == 409
    assert "rejected" in check.json()["detail"]
    assert (await employment.get(f"/placements/{held.json()['subject_id']}")).status_code == 404
    assert (await employment.get(f"/students/{student}/timeline")).json()["items"] == []


async def test_a_retracted_graduation_holds_new_facts_again_and_a_cancelled_enrolment_rejects_them(
    employment: httpx.AsyncClient, cycle: Cycle
):
    student = uuid4()
    await cycle.enrol(student)
    graduation = await cycle.graduate(student, today() - timedelta(days=15))
    await student_in(employment, student, "graduated")

    await cycle.retract(graduation, Stage.TRAINING)
    await student_in(employment, student, "enrolled")
    held = await employment.post(f"/students/{student}/placements", json=placement_body(credit_code()))
    assert held.status_code == 202, held.text

    await cycle.cancel(student)
    [rejected] = await _held_facts(employment, student, "rejected", 1)
    assert "cancelled" in rejected["reason"]
    assert (await employment.get(f"/students/{student}")).json()["training_status"] == "cancelled"
