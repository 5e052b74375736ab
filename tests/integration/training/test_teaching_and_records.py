"""Class-level teaching (plans, hours logged then verified by another party) and the records of a learner."""

from __future__ import annotations

from uuid import uuid4

import httpx

from tests.integration.training.conftest import Recruitment, enrol_cohort
from tests.support.kafka import envelopes, read_all

SCHOOL, ENTERPRISE, BUREAU = str(uuid4()), str(uuid4()), str(uuid4())
PLAN = {
    "modules": [
        {"name": "Knife skills", "planned_hours": "120", "taught_by": "enterprise"},
        {"name": "Food safety", "planned_hours": "80", "taught_by": "school"},
    ],
    "occurred_on": "2025-03-01",
}


async def _log(client: httpx.AsyncClient, class_id: object, module: str, hours: str, taught_by: str) -> str:
    response = await client.post(
        f"/classes/{class_id}/hours-logs",
        json={
            "module": module,
            "hours": hours,
            "taught_by": taught_by,
            "logged_by": SCHOOL,
            "occurred_on": "2025-03-10",
        },
    )
    assert response.status_code == 201, response.text
    log_id: str = response.json()["log_id"]
    return log_id


async def test_hours_count_for_the_enterprise_share_only_once_another_party_verified_them(
    training: httpx.AsyncClient, recruitment: Recruitment, kafka_bootstrap: str, topic_namespace: str
) -> None:
    cohort = await enrol_cohort(training, recruitment, size=0)
    plan = await training.post(f"/classes/{cohort.class_id}/plans", json=PLAN)
    assert plan.status_code == 201, plan.text
    knives = await _log(training, cohort.class_id, "Knife skills", "6", "enterprise")
    safety = await _log(training, cohort.class_id, "Food safety", "4", "school")
    unverified = await _log(training, cohort.class_id, "Food safety", "3", "school")

    own = await training.post(
        f"/hours-logs/{knives}/verifications", json={"hours_accepted": "6", "verified_by": SCHOOL}
    )
    too_many = await training.post(
        f"/hours-logs/{knives}/verifications", json={"hours_accepted": "7", "verified_by": BUREAU}
    )
    off_plan = await training.post(
        f"/classes/{cohort.class_id}/hours-logs",
        json={"module": "Dim sum", "hours": "2", "taught_by": "enterprise", "logged_by": SCHOOL},
    )
    for log_id, accepted in ((knives, "6"), (safety, "3.5")):
        verified = await training.post(
            f"/hours-logs/{log_id}/verifications",
            json={"hours_accepted": accepted, "verified_by": BUREAU, "occurred_on": "2025-03-12"},
        )
        assert verified.status_code == 201, verified.text

    assert (own.status_code, own.json()["code"]) == (409, "conflict")
    assert "another party" in own.json()["detail"]
    assert too_many.status_code == 422
    assert off_plan.status_code == 409
    classroom = (await training.get(f"/classes/{cohort.class_id}")).json()
    assert classroom["plan"]["planned_hours"] == "200.00"
    assert classroom["plan"]["enterprise_share"] == "0.6000"
    assert classroom["hours"] == {
        "logged": "13.00",
        "verified_school": "3.50",
        "verified_enterprise": "6.00",
        "enterprise_share": "0.6316",
    }
    pending = (await training.get(f"/hours-logs?class_id={cohort.class_id}&verified=false")).json()["items"]
    assert [log["log_id"] for log in pending] == [unverified]

    events = envelopes(await read_all(kafka_bootstrap, [f"{topic_namespace}cycle.training"], at_least=6))
    assert [e.type for e in events] == ["TrainingPlanAgreed"] + ["TrainingHoursLogged"] * 3 + [
        "TrainingHoursVerified"
    ] * 2
    assert all(e.class_id == cohort.class_id and e.partnership_id == recruitment.partnership_id for e in events)
    assert events[-1].party_id is not None
    assert str(events[-1].party_id) == BUREAU


async def test_a_retracted_hours_log_counts_nowhere_and_cannot_be_verified(
    training: httpx.AsyncClient, recruitment: Recruitment
) -> None:
    cohort = await enrol_cohort(training, recruitment, size=0)
    log_id = await _log(training, cohort.class_id, "Knife skills", "5", "enterprise")
    logged = (await training.get(f"/hours-logs/{log_id}")).json()

    retracted = await training.post(f"/events/{logged['event_id']}/retractions", json={"reason": "double entry"})
    verify = await training.post(
        f"/hours-logs/{log_id}/verifications", json={"hours_accepted": "5", "verified_by": BUREAU}
    )

    assert retracted.status_code == 201
    assert verify.status_code == 409
    assert (await training.get(f"/hours-logs/{log_id}")).json()["retracted"] is True
    assert (await training.get(f"/classes/{cohort.class_id}")).json()["hours"]["logged"] == "0"


async def test_internships_certificates_and_reviews_are_recorded_and_listed_per_student(
    training: httpx.AsyncClient, recruitment: Recruitment
) -> None:
    cohort = await enrol_cohort(training, recruitment)
    student = cohort.students[0]
    review = await training.post(
        f"/students/{student}/progress-reviews", json={"outcome": "on track", "occurred_on": "2025-04-01"}
    )
    started = await training.post(
        f"/students/{student}/internships",
        json={
            "host_name": "Guangzhou Restaurant Group",
            "related_to_major": True,
            "monthly_pay": "2800",
            "start_on": "2025-05-12",
        },
    )
    internship = started.json()["internship_id"]
    second = await training.post(
        f"/students/{student}/internships",
        json={"host_name": "Other", "related_to_major": False, "monthly_pay": "2000", "start_on": "2025-05-13"},
    )
    ended = await training.post(
        f"/students/{student}/internships/{internship}/end", json={"outcome": "completed", "end_on": "2025-06-30"}
    )
    unknown_end = await training.post(
        f"/students/{student}/internships/{uuid4()}/end", json={"outcome": "completed", "end_on": "2025-06-30"}
    )
    graduated = await training.post(f"/students/{student}/graduation", json={"graduated_on": "2025-07-04"})
    certificate = await training.post(
        f"/students/{student}/certificates",
        json={"name": "Chinese cook", "level": "level 4", "issuer": "Guangdong HRSS", "awarded_on": "2025-08-01"},
    )

    assert [r.status_code for r in (review, started, ended, graduated, certificate)] == [201] * 5
    assert second.status_code == 409, "one internship at a time"
    assert unknown_end.status_code == 404
    internships = (await training.get(f"/internships?student_id={student}")).json()["items"]
    assert [(i["outcome"], i["end_on"]) for i in internships] == [("completed", "2025-06-30")]
    certificates = (await training.get(f"/certificates?student_id={student}")).json()["items"]
    assert [(c["level"], c["awarded_on"]) for c in certificates] == [("level 4", "2025-08-01")]
    reviews = (await training.get(f"/progress-reviews?student_id={student}")).json()["items"]
    assert [r["on_track"] for r in reviews] == [True]


async def test_every_list_pages_with_a_cursor_and_filters(
    training: httpx.AsyncClient, recruitment: Recruitment
) -> None:
    cohort = await enrol_cohort(training, recruitment, size=5)
    await training.post(f"/students/{cohort.students[0]}/breaks", json={"start_on": "2025-04-07"})

    seen: list[str] = []
    cursor = None
    while True:
        params = {"class_id": str(cohort.class_id), "limit": "2", **({"cursor": cursor} if cursor else {})}
        page = (await training.get("/students", params=params)).json()
        seen += [learner["student_id"] for learner in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    on_break = (await training.get("/students", params={"phase": "on_break"})).json()["items"]
    bad_cursor = await training.get("/students", params={"cursor": "not-a-cursor"})

    assert sorted(seen) == sorted(str(s) for s in cohort.students)
    assert len(seen) == 5
    assert [learner["student_id"] for learner in on_break] == [str(cohort.students[0])]
    assert bad_cursor.status_code == 422
    breaks = (await training.get("/breaks", params={"student_id": str(cohort.students[0])})).json()["items"]
    assert [(b["start_on"], b["end_on"]) for b in breaks] == [("2025-04-07", None)]
