"""Applications, decisions, enrolments, intents, cancellations and exclusions: the student's state machine."""

from __future__ import annotations

from uuid import uuid4

from tests.integration.recruitment.conftest import Service
from tests.integration.recruitment.flows import (
    admitted_student,
    applicant,
    application_body,
    apply,
    created,
    decide,
    enrol,
    events_of,
    setting,
)


async def test_student_events_carry_the_student_and_class_in_the_envelope_keyed_by_the_class_partnership(
    recruitment: Service,
):
    client = recruitment.client
    s = await setting(client)
    student = await admitted_student(client, s.klass)
    await created(
        await client.post(f"/students/{student['student_id']}/employment-intent", json={"employer_id": s.sponsor})
    )

    events = await events_of(recruitment, "recruitment", s.partnership, 4)

    assert [e.type for e in events] == [
        "ApplicationSubmitted",
        "ApplicationDecided",
        "StudentEnrolled",
        "EmploymentIntentSigned",
    ]
    assert {str(e.student_id) for e in events} == {student["student_id"]}
    assert {str(e.class_id) for e in events} == {s.klass}
    submitted = events[0].data
    assert submitted.model_dump(mode="json") == {
        "application_id": student["application_id"],
        "home_region": "Bijie",
        "poor_household": True,
        "poor_household_verified_by": "poverty_registry",
        "prior_education": "junior secondary",
        "channel": "village recruitment fair",
    }
    assert student["enrolment_id"] == str(events[2].id)


async def test_a_returning_applicant_keeps_the_same_pseudonymous_student_id(recruitment: Service):
    client = recruitment.client
    first_class, second_class = await setting(client), await setting(client)
    person = applicant("李娜")
    first = await apply(client, first_class.klass, person)
    second = await apply(client, second_class.klass, {**person, "name": "李 娜"})
    assert first["student_id"] == second["student_id"]
    assert first["application_id"] != second["application_id"]
    found = await client.post("/students/lookup", json={"national_id": person["national_id"].lower()})
    assert found.json() == {"student_id": first["student_id"]}


async def test_enrolling_an_undecided_or_rejected_application_gets_409(recruitment: Service):
    client = recruitment.client
    s = await setting(client)
    application = await apply(client, s.klass)
    undecided = await enrol(client, application["application_id"])
    assert undecided.status_code == 409
    assert undecided.headers["content-type"] == "application/problem+json"
    assert undecided.json() == {
        "type": "urn:cycle:problem:illegal_transition",
        "title": "Conflict",
        "status": 409,
        "detail": f"application {application['application_id']} is undecided; only an admitted one enrols",
        "code": "illegal_transition",
    }
    await created(await decide(client, application["application_id"], "rejected"))
    rejected = await enrol(client, application["application_id"])
    assert rejected.status_code == 409
    assert "rejected" in rejected.json()["detail"]


async def test_the_latest_decision_wins_even_when_an_older_one_arrives_later(recruitment: Service):
    client = recruitment.client
    s = await setting(client)
    application = await apply(client, s.klass)
    await created(await decide(client, application["application_id"], "admitted", on="2024-07-05"))
    await created(await decide(client, application["application_id"], "waitlisted", on="2024-07-01"))
    read = (await client.get(f"/applications/{application['application_id']}")).json()
    assert (read["decision"], read["status"]) == ("admitted", "admitted")
    await created(await enrol(client, application["application_id"]))


async def test_enrolling_twice_gets_409(recruitment: Service):
    client = recruitment.client
    s = await setting(client)
    student = await admitted_student(client, s.klass)
    again = await enrol(client, student["application_id"])
    assert again.status_code == 409
    assert "already enrolled" in again.json()["detail"]
    decided_again = await decide(client, student["application_id"], "rejected")
    assert decided_again.status_code == 409


async def test_a_full_class_refuses_the_next_enrolment(recruitment: Service):
    client = recruitment.client
    s = await setting(client, seats=1)
    await admitted_student(client, s.klass)
    late = await apply(client, s.klass)
    await created(await decide(client, late["application_id"], "admitted"))
    refused = await enrol(client, late["application_id"])
    assert refused.status_code == 409
    assert "full" in refused.json()["detail"]


async def test_cancelling_a_student_who_is_not_enrolled_gets_409_and_a_cancelled_one_frees_the_seat(
    recruitment: Service,
):
    client = recruitment.client
    s = await setting(client, seats=1)
    applied = await apply(client, s.klass)
    not_enrolled = await client.post(f"/students/{applied['student_id']}/cancellation", json={"reason": "no show"})
    assert not_enrolled.status_code == 409
    assert not_enrolled.json()["detail"] == f"student {applied['student_id']} is not enrolled"

    student = await admitted_student(client, s.klass)
    await created(await client.post(f"/students/{student['student_id']}/cancellation", json={"reason": "no show"}))
    twice = await client.post(f"/students/{student['student_id']}/cancellation", json={"reason": "no show"})
    assert twice.status_code == 409
    await admitted_student(client, s.klass)
    enrolments = (await client.get("/enrolments", params={"class_id": s.klass})).json()["items"]
    assert [e["status"] for e in enrolments] == ["cancelled", "enrolled"]
    events = await events_of(recruitment, "recruitment", s.partnership, 8)
    cancelled = next(e for e in events if e.type == "EnrollmentCancelled")
    assert (str(cancelled.student_id), str(cancelled.class_id)) == (student["student_id"], s.klass)


async def test_a_second_open_application_to_the_same_class_gets_409(recruitment: Service):
    client = recruitment.client
    s = await setting(client)
    person = applicant()
    await apply(client, s.klass, person)
    again = await client.post("/applications", json=application_body(s.klass, person))
    assert again.status_code == 409


async def test_exclusions_are_applied_once_and_revoked_with_events_keyed_by_the_class_partnership(
    recruitment: Service,
):
    client = recruitment.client
    s = await setting(client)
    student = await admitted_student(client, s.klass)
    path = f"/students/{student['student_id']}/exclusions"
    excluded = await created(await client.post(path, json={"reason": "military_service"}))
    assert (await client.post(path, json={"reason": "death"})).status_code == 409
    assert (await client.get(f"/students/{student['student_id']}")).json()["excluded"] is True
    await created(await client.post(f"{path}/revocation", json={"reason": "back from service"}))
    assert (await client.post(f"{path}/revocation", json={})).status_code == 409
    listed = (await client.get("/exclusions", params={"student_id": student["student_id"]})).json()["items"]
    assert [(x["exclusion_id"], x["standing"]) for x in listed] == [(excluded["exclusion_id"], False)]

    events = await events_of(recruitment, "recruitment", s.partnership, 5)
    assert [e.type for e in events][-2:] == ["ExclusionApplied", "ExclusionRevoked"]
    assert {str(e.student_id) for e in events[-2:]} == {student["student_id"]}


async def test_an_applicant_never_enrolled_cannot_be_excluded(recruitment: Service):
    client = recruitment.client
    s = await setting(client)
    applied = await apply(client, s.klass)
    refused = await client.post(f"/students/{applied['student_id']}/exclusions", json={"reason": "death"})
    assert refused.status_code == 409


async def test_a_student_is_read_without_national_id_and_with_a_masked_name(recruitment: Service):
    client = recruitment.client
    s = await setting(client)
    person = applicant("王小明")
    student = await apply(client, s.klass, person)
    read = await client.get(f"/students/{student['student_id']}")
    assert read.status_code == 200
    assert read.json()["masked_name"] == "王**"
    assert person["national_id"] not in read.text
    assert "王小明" not in read.text
    assert person["household_registration"] not in read.text
    assert (await client.get(f"/students/{uuid4()}")).status_code == 404


async def test_a_lookup_of_an_unknown_or_malformed_national_id_never_echoes_it(recruitment: Service):
    client = recruitment.client
    unknown = applicant()["national_id"]
    missing = await client.post("/students/lookup", json={"national_id": unknown})
    assert missing.status_code == 404
    assert unknown not in missing.text
    malformed = "52240119990101123" + ("1" if unknown[-1] != "1" else "2")
    bad = await client.post("/students/lookup", json={"national_id": malformed})
    assert bad.status_code == 422
    assert malformed not in bad.text
    assert bad.json()["errors"][0]["loc"] == ["body", "national_id"]
    in_application = await client.post("/applications", json=application_body(str(uuid4()), applicant(nid=malformed)))
    assert in_application.status_code == 422
    assert malformed not in in_application.text


async def test_the_timeline_lists_the_students_events_in_order_across_pages(recruitment: Service):
    client = recruitment.client
    s = await setting(client)
    student = await admitted_student(client, s.klass)
    await created(await client.post(f"/students/{student['student_id']}/cancellation", json={"reason": "moved"}))
    path = f"/students/{student['student_id']}/timeline"
    first = (await client.get(path, params={"limit": 2})).json()
    rest = (await client.get(path, params={"limit": 2, "cursor": first["next_cursor"]})).json()
    types = [e["type"] for e in first["items"] + rest["items"]]
    assert types == ["ApplicationSubmitted", "ApplicationDecided", "StudentEnrolled", "EnrollmentCancelled"]
    assert rest["next_cursor"] is None
    assert (await client.get(f"/students/{uuid4()}/timeline")).status_code == 404


async def test_applications_and_enrolments_are_filtered_by_status(recruitment: Service):
    client = recruitment.client
    s = await setting(client)
    enrolled = await admitted_student(client, s.klass)
    rejected = await apply(client, s.klass)
    await created(await decide(client, rejected["application_id"], "rejected"))
    waiting = await apply(client, s.klass)

    async def with_status(status: str) -> list[str]:
        page = await client.get("/applications", params={"class_id": s.klass, "status": status})
        return [a["application_id"] for a in page.json()["items"]]

    assert await with_status("enrolled") == [enrolled["application_id"]]
    assert await with_status("rejected") == [rejected["application_id"]]
    assert await with_status("undecided") == [waiting["application_id"]]
    klass = (await client.get(f"/classes/{s.klass}")).json()
    assert (klass["enrolled"], klass["status"]) == (1, "open")
