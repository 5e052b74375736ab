"""A school's registry sends applications as CloudEvents (POST /events): one at a time or in a batch, through the
same rules, idempotency and outbox as the routes; a batch answers per event and carries on past a refusal."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from tests.integration.recruitment.conftest import Service
from tests.integration.recruitment.flows import applicant, application_body, decide, events_of, open_class, setting

STRUCTURED = {"content-type": "application/cloudevents+json"}
BATCH = {"content-type": "application/cloudevents-batch+json"}


def cloudevent(event_type: str, data: dict[str, Any], **extensions: str) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": str(uuid4()),
        "source": "/schools/bijie-vocational/registry",
        "type": f"cycle.{event_type}",
        "datacontenttype": "application/json",
        "data": data,
        **extensions,
    }


def application(class_id: str, person: dict[str, str] | None = None) -> dict[str, Any]:
    body = application_body(class_id, person)
    occurred_on = body.pop("occurred_on")
    del body["class_id"]
    return cloudevent("ApplicationSubmitted", body, classid=class_id, occurredon=occurred_on)


async def test_a_structured_cloudevent_is_recorded_like_its_route_and_a_repeat_is_a_duplicate(recruitment: Service):
    client = recruitment.client
    s = await setting(client)
    event = application(s.klass)

    first = await client.post("/events", json=event, headers=STRUCTURED)
    again = await client.post("/events", json=event, headers=STRUCTURED)
    other_body = await client.post(
        "/events", json={**event, "data": {**event["data"], "home_region": "Anshun"}}, headers=STRUCTURED
    )

    assert first.status_code == 201, first.text
    assert (again.status_code, again.json()) == (201, first.json())
    assert other_body.status_code == 409
    assert other_body.headers["content-type"] == "application/problem+json"
    submitted = await events_of(recruitment, "recruitment", s.partnership, 1)
    assert [e.type for e in submitted] == ["ApplicationSubmitted"]
    assert str(submitted[0].id) == first.json()["event_id"]


async def test_a_batch_answers_each_event_and_carries_on_past_a_refusal(recruitment: Service):
    client = recruitment.client
    s = await setting(client)
    accepted = application(s.klass)
    unknown_class = application(str(uuid4()))
    not_ours = cloudevent("Graduated", {"graduated_on": "2025-07-01"}, studentid=str(uuid4()))
    batch = [accepted, unknown_class, not_ours, accepted, application(s.klass)]

    answer = await client.post("/events", json=batch, headers=BATCH)

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [r["outcome"] for r in body["results"]] == ["accepted", "refused", "refused", "duplicate", "accepted"]
    assert [r["status"] for r in body["results"]] == [201, 404, 422, 200, 201]
    assert (body["accepted"], body["duplicate"], body["held"], body["refused"]) == (2, 1, 0, 2)
    assert body["results"][1]["problem"]["code"] == "not_found"
    application_id = body["results"][0]["answer"]["application_id"]
    assert (await decide(client, application_id, "admitted")).status_code == 201


async def test_a_batch_keeps_a_returning_applicants_student_and_gives_one_new_to_the_batch_one(recruitment: Service):
    """A batch reads its applicants' students at once, as the import does: a national ID stored before keeps its
    student; one new to the batch gets one student for both its applications."""
    client = recruitment.client
    s = await setting(client)
    second = await open_class(client, s, seats=3, hiring_commitment=3)
    returning, new = applicant(), applicant()
    before = await client.post("/events", json=application(s.klass, returning), headers=STRUCTURED)
    assert before.status_code == 201, before.text
    batch = [application(s.klass, new), application(second, returning), application(second, new)]
    batch.append(application(s.klass, returning))  # already applied there: refused

    answer = await client.post("/events", json=batch, headers=BATCH)

    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["outcome"] for r in results] == ["accepted", "accepted", "accepted", "refused"]
    assert results[3]["status"] == 409
    students = [r["answer"]["student_id"] for r in results[:3]]
    assert students[1] == before.json()["student_id"]
    assert students[0] == students[2] != students[1]


async def test_bad_cloudevents_are_refused_with_problem_details_and_nothing_is_stored(recruitment: Service):
    client = recruitment.client
    s = await setting(client)
    event = application(s.klass)
    cases = [
        (await client.post("/events", json=event), 415),
        (await client.post("/events", content=b"{not json", headers=STRUCTURED), 400),
        (await client.post("/events", content=b"\xff\xfe", headers=STRUCTURED), 400),
        (await client.post("/events", json={**event, "specversion": None}, headers=STRUCTURED), 400),
        (await client.post("/events", json={"data": {}}, headers=STRUCTURED), 400),
        (await client.post("/events", json=[event] * 1001, headers=BATCH), 413),
        (await client.post("/events", json=[], headers=BATCH), 400),
        (await client.post("/events", json={**event, "data": {"home_region": 5}}, headers=STRUCTURED), 422),
    ]
    for response, status in cases:
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == status
    listed = await client.get("/applications", params={"class_id": s.klass})
    assert listed.json()["items"] == []
