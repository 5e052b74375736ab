from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import httpx

from tests.integration.employment.conftest import (
    OPERATOR_TOKEN,
    Cycle,
    credit_code,
    employment_events,
    placement_body,
    student_in,
    today,
)
from tests.support.kafka import read_all

OPERATOR = {"X-Operator-Token": OPERATOR_TOKEN}


async def test_employment_learns_of_a_graduate_only_from_events_and_publishes_the_placement(
    employment: httpx.AsyncClient, cycle: Cycle
):
    student = uuid4()
    assert (await employment.get(f"/students/{student}")).status_code == 404
    unknown = await employment.post(f"/students/{student}/placements", json=placement_body(cycle.sponsor_code))
    assert unknown.status_code == 404, "employment has heard nothing of this student yet"
    await cycle.sign()
    await cycle.enrol(student)
    await cycle.graduate(student, today() - timedelta(days=30))
    learned = await student_in(employment, student, "graduated")
    assert (learned["partnership_id"], learned["class_id"]) == (str(cycle.partnership_id), str(cycle.class_id))

    body = placement_body(f" {cycle.sponsor_code.lower()} ", relation="other")
    response = await employment.post(f"/students/{student}/placements", json=body)

    assert response.status_code == 201, response.text
    answer = response.json()
    assert (answer["status"], answer["type"], answer["relation"]) == ("applied", "Placed", "sponsor")
    placement = (await employment.get(f"/placements/{answer['subject_id']}")).json()
    assert (placement["relation"], placement["relation_claimed"]) == ("sponsor", "other"), "the code wins"
    assert placement["employer_credit_code"] == cycle.sponsor_code
    assert (await employment.get(f"/students/{student}")).json()["employment_status"] == "placed"

    [record] = [e for e in await employment_events(cycle, 1) if e.id == UUID(answer["event_id"])]
    assert (record.type, record.partnership_id, record.student_id) == ("Placed", cycle.partnership_id, student)
    assert (record.class_id, record.source, record.evidence.value) == (
        cycle.class_id,
        "/services/employment",
        "employer_confirmation",
    )
    assert record.data.relation.value == "sponsor"


async def test_the_placed_event_is_keyed_by_the_partnership_with_cloudevents_headers(
    employment: httpx.AsyncClient, cycle: Cycle
):
    student = uuid4()
    await cycle.sign()
    await cycle.graduate(student, today() - timedelta(days=3))
    await student_in(employment, student, "graduated")
    response = await employment.post(f"/students/{student}/placements", json=placement_body(credit_code()))
    assert response.status_code == 201, response.text

    [record] = await read_all(cycle.bootstrap, [cycle.namespace + "cycle.employment"], at_least=1)
    assert record.key == str(cycle.partnership_id).encode()
    assert record.headers["ce_type"] == b"cycle.Placed"
    assert record.headers["ce_id"] == response.json()["event_id"].encode()
    assert record.headers["ce_studentid"] == str(student).encode()
    assert record.headers["ce_source"] == b"/services/employment"
    assert record.envelope().data.relation.value == "other"


async def test_a_partner_enterprise_is_known_from_member_joined_and_a_later_job_needs_no_ending(
    employment: httpx.AsyncClient, cycle: Cycle
):
    student, partner_code = uuid4(), credit_code()
    await cycle.sign()
    await cycle.join_partner(partner_code)
    await cycle.enrol(student)
    # The membership comes before the enrolment on the recruitment topic; the graduation comes on training's, which
    # a loaded learner may reach first.
    await student_in(employment, student, "enrolled")
    await cycle.graduate(student, today() - timedelta(days=60))
    await student_in(employment, student, "graduated")
    first_start = today() - timedelta(days=50)

    first = await employment.post(
        f"/students/{student}/placements", json=placement_body(partner_code, first_start, relation="sponsor")
    )
    assert first.json()["relation"] == "partner"
    second = await employment.post(
        f"/students/{student}/placements", json=placement_body(credit_code(), today() - timedelta(days=20))
    )
    assert second.status_code == 201, "issue 14: employers rarely report an end; the later job is not lost"
    assert second.json()["relation"] == "other"
    assert (await employment.get(f"/students/{student}")).json()["current_placement_id"] == second.json()["subject_id"]

    placement_id = first.json()["subject_id"]
    last_day = today() - timedelta(days=15)
    ended = await employment.post(f"/placements/{placement_id}/end", json={"last_day": last_day.isoformat()})
    assert ended.status_code == 201, ended.text
    assert (
        await employment.post(f"/placements/{placement_id}/end", json={"last_day": last_day.isoformat()})
    ).status_code == 409
    again = {
        "type": "PlaceStudent",
        "student_id": str(student),
        "placement_id": placement_id,
        **placement_body(credit_code()),
    }
    fact = {"import_id": f"reused-{placement_id}", "recorded_at": datetime.now(UTC).isoformat(), "command": again}
    reused = (await employment.post("/admin/import", json={"facts": [fact]}, headers=OPERATOR)).json()
    [result] = reused["results"]
    assert (result["outcome"], result["problem"]["code"]) == ("refused", "conflict"), "a placement id names one job"

    timeline = (await employment.get(f"/students/{student}/timeline")).json()["items"]
    assert [e["type"] for e in timeline] == ["Placed", "Placed", "EmploymentEnded"]
    placements = (await employment.get("/placements", params={"student_id": str(student), "limit": 1})).json()
    assert len(placements["items"]) == 1
    assert placements["next_cursor"]
    rest = (
        await employment.get("/placements", params={"student_id": str(student), "cursor": placements["next_cursor"]})
    ).json()
    assert [p["placement_id"] for p in placements["items"] + rest["items"]] == [
        placement_id,
        second.json()["subject_id"],
    ]
    assert rest["next_cursor"] is None
