"""Training learns classes and learners only from the partnership and recruitment topics."""

from __future__ import annotations

from uuid import uuid4

import httpx

from tests.integration.training.conftest import (
    START,
    Recruitment,
    class_of,
    enrol_cohort,
    held,
    known,
    phase_becomes,
    student_of,
)


async def test_training_learns_a_student_only_from_the_recruitment_event(
    training: httpx.AsyncClient, recruitment: Recruitment
) -> None:
    opened = recruitment.class_opened()
    enrolled = recruitment.enrolled(class_of(opened))
    assert (await training.get(f"/students/{enrolled.student_id}")).status_code == 404

    await recruitment.publish(opened, enrolled)

    learner = await known(training, f"/students/{enrolled.student_id}")
    assert learner["phase"] == "active"
    assert learner["class_id"] == str(opened.class_id)
    assert learner["partnership_id"] == str(recruitment.partnership_id)
    assert learner["first_start_on"] == START.isoformat()
    classroom = await known(training, f"/classes/{opened.class_id}")
    assert classroom["learners"] == 1


async def test_an_enrolment_read_before_its_class_is_held_and_applied_when_the_class_arrives(
    training: httpx.AsyncClient, recruitment: Recruitment
) -> None:
    opened = recruitment.class_opened()
    enrolled = recruitment.enrolled(class_of(opened))
    await recruitment.publish(enrolled)

    waiting = await held(training, "class")
    assert [(f["event_id"], f["waits_for_id"]) for f in waiting] == [(str(enrolled.id), str(opened.class_id))]
    assert (await training.get(f"/students/{enrolled.student_id}")).status_code == 404

    await recruitment.publish(opened)

    learner = await known(training, f"/students/{enrolled.student_id}")
    assert learner["class_id"] == str(opened.class_id)
    assert (await training.get("/held-facts")).json()["items"] == []


async def test_a_cancellation_read_before_its_enrolment_waits_for_it_and_then_cancels_the_learner(
    training: httpx.AsyncClient, recruitment: Recruitment
) -> None:
    opened = recruitment.class_opened()
    enrolled = recruitment.enrolled(class_of(opened))
    await recruitment.publish(recruitment.cancelled(student_of(enrolled), class_of(opened)), enrolled)
    await held(training, "class")
    await held(training, "student")

    await recruitment.publish(opened)

    await phase_becomes(training, student_of(enrolled), "cancelled")
    assert (await training.get("/held-facts")).json()["items"] == []


async def test_a_command_for_a_cancelled_enrolment_is_a_409(
    training: httpx.AsyncClient, recruitment: Recruitment
) -> None:
    cohort = await enrol_cohort(training, recruitment)
    student = cohort.students[0]
    await recruitment.publish(recruitment.cancelled(student, cohort.class_id))

    await phase_becomes(training, student, "cancelled")
    response = await training.post(
        f"/students/{student}/withdrawal", json={"last_day": "2025-04-01", "reason": "family"}
    )
    assert response.status_code == 409
    assert "cancelled" in response.json()["detail"]


async def test_commands_for_a_student_or_class_training_has_not_learned_are_404(training: httpx.AsyncClient) -> None:
    student = await training.post(f"/students/{uuid4()}/graduation", json={"graduated_on": "2025-07-04"})
    plan = await training.post(
        f"/classes/{uuid4()}/plans",
        json={"modules": [{"name": "Knife skills", "planned_hours": "10", "taught_by": "school"}]},
    )
    assert (student.status_code, student.headers["content-type"]) == (404, "application/problem+json")
    problem = student.json()
    assert problem == {
        "type": "urn:cycle:problem:not_found",
        "title": "Not Found",
        "status": 404,
        "detail": problem["detail"],
        "code": "not_found",
    }
    assert "has not learned of student" in problem["detail"]
    assert (plan.status_code, plan.json()["code"]) == (404, "not_found")
