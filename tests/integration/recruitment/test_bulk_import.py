"""The import's bulk path (shared/persistence/batch.py) answers as one transaction per fact would: a fact refused
after the batch wrote what it held keeps every fact before it, and a key used twice in one request is one fact."""

from __future__ import annotations

from uuid import uuid4

from tests.integration.recruitment.conftest import Service
from tests.integration.recruitment.flows import applicant, events_of
from tests.integration.recruitment.test_import import OPERATOR, legacy_facts


async def test_a_fact_refused_after_reading_the_outbox_keeps_the_facts_before_it(recruitment: Service):
    facts, ids = legacy_facts()
    retraction = {"type": "RetractEvent", "event_id": str(uuid4()), "reason": "never recorded"}
    missing = {"import_id": f"{facts[0]['import_id']}-x", "recorded_at": "2019-06-11T09:00:00+08:00",
               "command": retraction}  # fmt: skip
    batch = [*facts[:8], missing, facts[8]]

    first = (await recruitment.client.post("/admin/import", json={"facts": batch}, headers=OPERATOR)).json()
    again = (await recruitment.client.post("/admin/import", json={"facts": batch}, headers=OPERATOR)).json()

    assert [r["outcome"] for r in first["results"]] == ["accepted"] * 8 + ["refused", "accepted"]
    assert first["results"][8]["status"] == 404
    assert [r["outcome"] for r in again["results"]] == ["duplicate"] * 8 + ["refused", "duplicate"]
    assert [r["answer"] for r in again["results"]] == [r["answer"] for r in first["results"]]
    student_events = await events_of(recruitment, "recruitment", ids["partnership"], 2)
    assert [e.type for e in student_events] == ["ApplicationSubmitted", "ApplicationDecided"]


async def test_an_import_id_sent_twice_in_one_import_is_one_fact(recruitment: Service):
    facts, ids = legacy_facts()
    repeated = dict(facts[2])
    changed = {**facts[3], "command": {**facts[3]["command"], "party_id": ids["sponsor"]}}

    answer = (
        await recruitment.client.post(
            "/admin/import", json={"facts": [*facts[:4], repeated, changed]}, headers=OPERATOR
        )
    ).json()

    results = answer["results"]
    assert [r["outcome"] for r in results] == ["accepted"] * 3 + ["duplicate", "accepted", "refused"]
    assert results[3]["answer"] == results[2]["answer"]
    assert (results[5]["import_id"], results[5]["status"]) == (facts[3]["import_id"], 409)
    partnership_events = await events_of(recruitment, "partnership", ids["partnership"], 2)
    assert [e.type for e in partnership_events] == ["PartnershipSigned", "MemberJoined"]


async def test_a_fact_refused_by_the_database_is_taken_back_alone(recruitment: Service):
    facts, ids = legacy_facts()
    same_id = {**facts[7]["command"], "applicant": applicant("李娜")}
    clash = {"import_id": f"{facts[0]['import_id']}-clash", "recorded_at": "2019-06-11T09:00:00+08:00",
             "command": same_id}  # fmt: skip

    answer = (
        await recruitment.client.post("/admin/import", json={"facts": [*facts[:8], clash, facts[8]]}, headers=OPERATOR)
    ).json()

    assert [r["outcome"] for r in answer["results"]] == ["accepted"] * 8 + ["refused", "accepted"]
    assert answer["results"][8]["status"] == 409
    student_events = await events_of(recruitment, "recruitment", ids["partnership"], 2)
    assert [e.type for e in student_events] == ["ApplicationSubmitted", "ApplicationDecided"]
