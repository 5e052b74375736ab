"""Corrections and retractions are new events; a retraction also undoes this service's own state."""

from __future__ import annotations

from tests.integration.recruitment.conftest import Service
from tests.integration.recruitment.flows import admitted_student, apply, created, decide, enrol, events_of, setting


async def test_a_correction_is_a_new_event_that_supersedes_the_fact_and_keeps_its_student(recruitment: Service):
    client = recruitment.client
    s = await setting(client)
    application = await apply(client, s.klass)
    corrected = await created(
        await client.post(
            f"/events/{application['event_id']}/corrections",
            json={"fields": {"home_region": "Anshun"}, "reason": "typed the wrong county"},
        )
    )
    events = await events_of(recruitment, "recruitment", s.partnership, 2)
    correction = events[-1]
    assert (correction.type, str(correction.id)) == ("EventCorrected", corrected["event_id"])
    assert str(correction.supersedes) == application["event_id"]
    assert str(correction.student_id) == application["student_id"]
    assert correction.data.fields == {"home_region": "Anshun"}  # type: ignore[attr-defined]
    unknown_field = await client.post(
        f"/events/{application['event_id']}/corrections", json={"fields": {"name": "x"}, "reason": "r"}
    )
    assert unknown_field.status_code == 422


async def test_retracting_an_enrolment_frees_the_admitted_application_to_enrol_again(recruitment: Service):
    client = recruitment.client
    s = await setting(client, seats=1)
    student = await admitted_student(client, s.klass)
    await created(await client.post(f"/events/{student['enrolment_id']}/retractions", json={"reason": "wrong class"}))
    read = (await client.get(f"/applications/{student['application_id']}")).json()
    assert read["status"] == "admitted"
    again = await created(await enrol(client, student["application_id"]))
    events = await events_of(recruitment, "recruitment", s.partnership, 5)
    assert [e.type for e in events][-2:] == ["EventRetracted", "StudentEnrolled"]
    assert str(events[-2].supersedes) == student["enrolment_id"]
    assert str(events[-1].id) == again["enrolment_id"]
    twice = await client.post(f"/events/{student['enrolment_id']}/retractions", json={"reason": "again"})
    assert twice.status_code == 409


async def test_the_decision_an_enrolment_rests_on_cannot_be_retracted_before_the_enrolment(recruitment: Service):
    client = recruitment.client
    s = await setting(client)
    application = await apply(client, s.klass)
    decision = await created(await decide(client, application["application_id"], "admitted"))
    await created(await enrol(client, application["application_id"]))
    refused = await client.post(f"/events/{decision['event_id']}/retractions", json={"reason": "mistake"})
    assert refused.status_code == 409
    assert "retract the enrolment first" in refused.json()["detail"]


async def test_retracting_a_cancellation_restores_the_enrolment(recruitment: Service):
    client = recruitment.client
    s = await setting(client)
    student = await admitted_student(client, s.klass)
    cancelled = await created(
        await client.post(f"/students/{student['student_id']}/cancellation", json={"reason": "no show"})
    )
    await created(await client.post(f"/events/{cancelled['event_id']}/retractions", json={"reason": "he came"}))
    read = (await client.get(f"/students/{student['student_id']}")).json()
    assert read["enrolment"]["enrolment_id"] == student["enrolment_id"]


async def test_a_class_with_applications_cannot_be_retracted_but_its_closure_can(recruitment: Service):
    client = recruitment.client
    s = await setting(client)
    await apply(client, s.klass)
    opened = (await events_of(recruitment, "partnership", s.partnership, 5))[-1]
    refused = await client.post(f"/events/{opened.id}/retractions", json={"reason": "duplicate class"})
    assert refused.status_code == 409
    closed = await created(await client.post(f"/classes/{s.klass}/closure", json={}))
    assert (await client.get(f"/classes/{s.klass}")).json()["status"] == "closed"
    await created(await client.post(f"/events/{closed['event_id']}/retractions", json={"reason": "still running"}))
    assert (await client.get(f"/classes/{s.klass}")).json()["status"] == "open"


async def test_a_retracted_membership_lets_the_party_join_again(recruitment: Service):
    client = recruitment.client
    s = await setting(client)
    joined = [e for e in await events_of(recruitment, "partnership", s.partnership, 5) if e.type == "MemberJoined"]
    school_joined = next(e for e in joined if str(e.party_id) == s.school)
    await created(await client.post(f"/events/{school_joined.id}/retractions", json={"reason": "wrong school"}))
    await created(await client.post(f"/partnerships/{s.partnership}/members", json={"party_id": s.school}))


async def test_a_correction_of_a_classs_seats_is_followed_by_the_seat_rule(recruitment: Service):
    client = recruitment.client
    s = await setting(client, seats=1)
    await admitted_student(client, s.klass)
    opened = next(e for e in await events_of(recruitment, "partnership", s.partnership, 5) if e.type == "ClassOpened")
    fewer = await client.post(f"/events/{opened.id}/corrections", json={"fields": {"seats": 0}, "reason": "typo"})
    assert fewer.status_code == 422, "the corrected ClassOpened itself would be invalid"
    more = await created(
        await client.post(f"/events/{opened.id}/corrections", json={"fields": {"seats": 2}, "reason": "two seats"})
    )
    assert more["type"] == "EventCorrected"
    assert (await client.get(f"/classes/{s.klass}")).json()["seats"] == 2
    await admitted_student(client, s.klass)
    back_to_one = await client.post(
        f"/events/{opened.id}/corrections", json={"fields": {"seats": 1, "hiring_commitment": 1}, "reason": "one"}
    )
    assert back_to_one.status_code == 409
    assert "2 students are enrolled" in back_to_one.json()["detail"]


async def test_the_decision_of_an_enrolled_application_cannot_be_corrected_away_from_admitted(recruitment: Service):
    client = recruitment.client
    s = await setting(client)
    application = await apply(client, s.klass)
    decision = await created(await decide(client, application["application_id"], "admitted"))
    await created(await enrol(client, application["application_id"]))
    refused = await client.post(
        f"/events/{decision['event_id']}/corrections", json={"fields": {"decision": "rejected"}, "reason": "r"}
    )
    assert refused.status_code == 409
    reason = await client.post(
        f"/events/{decision['event_id']}/corrections", json={"fields": {"reason": "top of the list"}, "reason": "r"}
    )
    assert reason.status_code == 201
    assert (await client.get(f"/applications/{application['application_id']}")).json()["reason"] == "top of the list"


async def test_ids_cannot_be_corrected_and_a_partnerships_terms_follow_a_correction(recruitment: Service):
    client = recruitment.client
    s = await setting(client)
    application = await apply(client, s.klass)
    other = "00000000-0000-4000-8000-000000000001"
    refused = await client.post(
        f"/events/{application['event_id']}/corrections", json={"fields": {"application_id": other}, "reason": "r"}
    )
    assert refused.status_code == 409
    signed = (await events_of(recruitment, "partnership", s.partnership, 1))[0]
    await created(
        await client.post(
            f"/events/{signed.id}/corrections",
            json={"fields": {"retention_checkpoints": [90, 180, 365, 730]}, "reason": "four check-points agreed"},
        )
    )
    read = (await client.get(f"/partnerships/{s.partnership}")).json()
    assert read["retention_checkpoints"] == [90, 180, 365, 730]
    backwards = await client.post(
        f"/events/{signed.id}/corrections", json={"fields": {"valid_until": "2020-01-01"}, "reason": "r"}
    )
    assert backwards.status_code == 422
