"""Parties, partnerships, members, programmes, classes, targets and funding through real HTTP, DB and broker."""

from __future__ import annotations

from uuid import uuid4

from tests.integration.recruitment.conftest import Service
from tests.integration.recruitment.flows import created, events_of, open_class, partnership, party, setting


async def test_partnership_events_reach_their_topic_keyed_by_partnership_with_cloudevents_headers(recruitment: Service):
    client = recruitment.client
    s = await setting(client)
    await created(await client.post(f"/classes/{s.klass}/closure", json={"occurred_on": "2024-07-01"}))

    events = await events_of(recruitment, "partnership", s.partnership, 6)

    assert [e.type for e in events] == [
        "PartnershipSigned",
        "MemberJoined",
        "MemberJoined",
        "ProgrammeRegistered",
        "ClassOpened",
        "ClassClosed",
    ]
    assert {e.source for e in events} == {"/services/recruitment"}
    opened = events[4]
    assert (str(opened.class_id), opened.data.sponsor_credit_code) == (s.klass, s.sponsor_code)  # type: ignore[attr-defined]
    sponsor_joined = events[2]
    assert str(sponsor_joined.party_id) == s.sponsor
    assert sponsor_joined.data.credit_code == s.sponsor_code  # type: ignore[attr-defined]


async def test_a_member_joining_twice_gets_409_with_the_reason(recruitment: Service):
    s = await setting(recruitment.client)
    again = await recruitment.client.post(f"/partnerships/{s.partnership}/members", json={"party_id": s.school})
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"
    assert "already a member" in again.json()["detail"]


async def test_no_class_opens_under_an_ended_partnership(recruitment: Service):
    client = recruitment.client
    s = await setting(client)
    await created(await client.post(f"/partnerships/{s.partnership}/ending", json={"reason": "agreement expired"}))

    refused = await client.post(
        "/classes",
        json={
            "partnership_id": s.partnership,
            "programme_id": s.programme,
            "school_id": s.school,
            "sponsor_id": s.sponsor,
            "name": "late class",
            "major": "welding",
            "seats": 10,
            "cohort_year": 2025,
            "planned_start": "2025-09-01",
            "planned_end": "2026-06-30",
            "hiring_commitment": 5,
        },
    )
    assert refused.status_code == 409
    assert "ended" in refused.json()["detail"]
    ended_twice = await client.post(f"/partnerships/{s.partnership}/ending", json={"reason": "again"})
    assert ended_twice.status_code == 409


async def test_a_member_who_left_can_no_longer_sponsor_a_class_and_may_rejoin(recruitment: Service):
    client = recruitment.client
    s = await setting(client)
    await created(await client.post(f"/partnerships/{s.partnership}/members/{s.sponsor}/leaving", json={}))
    refused = await client.post(
        "/classes",
        json={
            "partnership_id": s.partnership,
            "programme_id": s.programme,
            "school_id": s.school,
            "sponsor_id": s.sponsor,
            "name": "class",
            "major": "welding",
            "seats": 10,
            "cohort_year": 2025,
            "planned_start": "2025-09-01",
            "planned_end": "2026-06-30",
            "hiring_commitment": 5,
        },
    )
    assert refused.status_code == 409
    assert "not a member" in refused.json()["detail"]
    left_again = await client.post(f"/partnerships/{s.partnership}/members/{s.sponsor}/leaving", json={})
    assert left_again.status_code == 409
    await created(await client.post(f"/partnerships/{s.partnership}/members", json={"party_id": s.sponsor}))
    members = (await client.get(f"/partnerships/{s.partnership}/members", params={"current": "true"})).json()
    assert sorted(m["party_id"] for m in members["items"]) == sorted([s.school, s.sponsor])


async def test_a_child_partnership_uses_its_alliances_programme_and_the_parent_appears_in_amendments(
    recruitment: Service,
):
    client = recruitment.client
    alliance = await partnership(client, name="Guangdong-Guizhou alliance", kind="alliance")
    brand = await created(
        await client.post(f"/partnerships/{alliance}/programmes", json={"name": "Cantonese Cuisine Masters"})
    )
    s = await setting(client)
    amended = await created(
        await client.post(f"/partnerships/{s.partnership}/amendments", json={"parent_id": alliance})
    )
    assert amended["type"] == "PartnershipAmended"
    await open_class(client, s, programme_id=brand["programme_id"])
    read = (await client.get(f"/partnerships/{s.partnership}")).json()
    assert read["parent_id"] == alliance
    children = (await client.get("/partnerships", params={"parent_id": alliance})).json()
    assert [p["partnership_id"] for p in children["items"]] == [s.partnership]
    cycle = await client.post(f"/partnerships/{alliance}/amendments", json={"parent_id": s.partnership})
    assert cycle.status_code == 409


async def test_unknown_ids_get_404(recruitment: Service):
    client = recruitment.client
    unknown = uuid4()
    assert (await client.get(f"/partnerships/{unknown}")).status_code == 404
    assert (await client.get(f"/parties/{unknown}")).status_code == 404
    assert (await client.get(f"/classes/{unknown}")).status_code == 404
    assert (await client.get(f"/partnerships/{unknown}/members")).status_code == 404
    joined = await client.post(f"/partnerships/{unknown}/members", json={"party_id": str(unknown)})
    assert joined.status_code == 404
    assert joined.json()["code"] == "not_found"
    assert (await client.post(f"/classes/{unknown}/closure", json={})).status_code == 404


async def test_invalid_payloads_get_422_with_field_errors(recruitment: Service):
    client = recruitment.client
    response = await client.post("/partnerships", json={"name": "", "valid_from": "not a date", "kind": "club"})
    assert response.status_code == 422
    fields = {tuple(error["loc"]) for error in response.json()["errors"]}
    assert {("body", "name"), ("body", "valid_from"), ("body", "kind")} <= fields
    bad_code = await client.post(
        "/parties", json={"name": "x", "role": "enterprise", "region": "east", "locality": "Huadu", "credit_code": "1"}
    )
    assert bad_code.status_code == 422
    assert "credit code" in bad_code.json()["detail"]


async def test_a_fact_dated_in_the_future_gets_422_and_a_back_dated_one_is_kept(recruitment: Service):
    client = recruitment.client
    future = await client.post(
        "/partnerships", json={"name": "future", "valid_from": "2024-01-01", "occurred_on": "2999-01-01"}
    )
    assert future.status_code == 422
    assert "future" in future.json()["detail"]
    past = await partnership(client, occurred_on="2019-05-04", valid_from="2019-05-01")
    events = await events_of(recruitment, "partnership", past, 1)
    assert str(events[0].occurred_on) == "2019-05-04"
    assert events[0].recorded_at.year >= 2025


async def test_a_repeated_command_with_the_same_idempotency_key_returns_the_first_answer_and_changes_nothing(
    recruitment: Service,
):
    client = recruitment.client
    key = {"Idempotency-Key": f"sign-{uuid4()}"}
    body = {"name": "once only", "valid_from": "2024-01-01"}
    first = await client.post("/partnerships", json=body, headers=key)
    second = await client.post("/partnerships", json=body, headers=key)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    listed = (await client.get("/partnerships", params={"limit": 500})).json()["items"]
    assert sum(p["name"] == "once only" for p in listed) == 1
    reused = await client.post("/partnerships", json={**body, "name": "another"}, headers=key)
    assert reused.status_code == 409


async def test_targets_and_funding_are_recorded_and_listed(recruitment: Service):
    client = recruitment.client
    s = await setting(client)
    target = await created(
        await client.post(
            f"/partnerships/{s.partnership}/targets",
            json={"metric": "employment_rate", "comparison": "at_least", "goal": 0.95},
        )
    )
    funding = await created(
        await client.post(
            f"/partnerships/{s.partnership}/funding",
            json={
                "amount_yuan": "480000.00",
                "source": "fiscal_poverty_alleviation",
                "period_start": "2024-01-01",
                "period_end": "2024-12-31",
            },
        )
    )
    targets = (await client.get("/targets", params={"partnership_id": s.partnership})).json()["items"]
    assert [t["target_id"] for t in targets] == [target["target_id"]]
    money = (await client.get("/funding", params={"partnership_id": s.partnership})).json()["items"]
    assert [(f["funding_id"], f["amount_yuan"]) for f in money] == [(funding["funding_id"], "480000.00")]
    events = await events_of(recruitment, "partnership", s.partnership, 7)
    assert [e.type for e in events][-2:] == ["TargetSet", "FundingRecorded"]


async def test_lists_are_filtered_and_paginated_by_cursor(recruitment: Service):
    client = recruitment.client
    locality = f"County-{uuid4().hex[:6]}"
    made = [await party(client, "association", locality=locality) for _ in range(5)]
    seen: list[str] = []
    cursor = None
    while True:
        params = {"locality": locality, "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/parties", params=params)).json()
        seen += [p["party_id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == made
    assert (await client.get("/parties", params={"cursor": "not-a-cursor"})).status_code == 422
