"""Inbound facts out of order, contradicting, retracted or malformed: held, applied, or dead-lettered, never lost."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import httpx

from services.training.adapters.db.roster import PostgresHeldFacts
from services.training.domain.roster import Held, WaitsFor
from shared.config import ServiceSettings
from shared.contracts.corrections import EventRetracted
from shared.contracts.envelope import Envelope
from shared.contracts.recruitment import StudentEnrolled
from shared.contracts.registry import dead_letter_topic
from shared.persistence.database import create_pool, pooled
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
from tests.support.kafka import read_all
from tests.support.waiting import eventually


async def test_a_held_enrolment_that_contradicts_its_class_stays_held_with_the_reason(
    training: httpx.AsyncClient, recruitment: Recruitment
) -> None:
    opened = recruitment.class_opened()
    stray = recruitment.enrolled(class_of(opened))
    stray = stray.model_copy(update={"partnership_id": uuid4()})
    await recruitment.publish(stray)
    await held(training, "class")

    await recruitment.publish(opened)
    await known(training, f"/classes/{class_of(opened)}")

    async def refused() -> list[dict[str, object]]:
        items: list[dict[str, object]] = (await training.get("/held-facts")).json()["items"]
        return [item for item in items if item["refused"]]

    [fact] = await eventually(refused)
    assert fact["event_id"] == str(stray.id)
    assert "belongs to partnership" in str(fact["refused"])
    assert (await training.get(f"/students/{student_of(stray)}")).status_code == 404


async def test_a_closure_read_before_its_class_opened_waits_and_then_closes_the_class(
    training: httpx.AsyncClient, recruitment: Recruitment
) -> None:
    opened = recruitment.class_opened()
    await recruitment.publish(recruitment.closed(class_of(opened), date(2025, 6, 30)))
    await held(training, "class")

    await recruitment.publish(opened)

    async def closed() -> bool:
        response = await training.get(f"/classes/{class_of(opened)}")
        return response.status_code == 200 and response.json()["closed_on"] == "2025-06-30"

    await eventually(closed)
    late = await training.post(
        f"/classes/{class_of(opened)}/hours-logs",
        json={
            "module": "Knife skills",
            "hours": "2",
            "taught_by": "school",
            "logged_by": str(uuid4()),
            "occurred_on": "2025-07-01",
        },
    )
    assert late.status_code == 409
    assert "closed" in late.json()["detail"]


async def test_a_retracted_enrolment_cancels_the_learner_and_a_retracted_cancellation_restores_them(
    training: httpx.AsyncClient, recruitment: Recruitment
) -> None:
    opened = recruitment.class_opened()
    first, second = recruitment.enrolled(class_of(opened)), recruitment.enrolled(class_of(opened))
    await recruitment.publish(opened, first, second)
    await known(training, f"/students/{student_of(second)}")
    assert (await training.post(f"/students/{student_of(second)}/breaks", json={"start_on": "2025-04-07"})).is_success
    cancellation = recruitment.cancelled(student_of(second), class_of(opened))

    def retraction(of: Envelope) -> Envelope:
        return recruitment.envelope(
            EventRetracted(reason="entered twice"), START, student_id=of.student_id, supersedes=of.id
        )

    await recruitment.publish(retraction(first), cancellation)
    await phase_becomes(training, student_of(first), "cancelled")
    await phase_becomes(training, student_of(second), "cancelled")
    await recruitment.publish(retraction(cancellation))

    await phase_becomes(training, student_of(second), "on_break")


async def test_an_enrolment_naming_no_student_goes_to_the_dead_letter_topic_with_the_reason(
    training: httpx.AsyncClient, recruitment: Recruitment, service_settings: ServiceSettings, kafka_bootstrap: str
) -> None:
    cohort = await enrol_cohort(training, recruitment, size=0)
    anonymous = recruitment.envelope(
        StudentEnrolled(application_id=uuid4(), start_on=START, planned_end_on=date(2026, 1, 16)),
        START,
        class_id=cohort.class_id,
    )
    await recruitment.publish(anonymous)

    namespace = service_settings.topic_namespace
    group = f"{namespace}training{service_settings.schema_suffix}.roster"
    [dead] = await read_all(kafka_bootstrap, [dead_letter_topic(group, namespace)], at_least=1)
    assert dead.headers["ce_id"] == str(anonymous.id).encode()
    assert b"no student_id" in dead.headers["dlq_reason"]


async def test_a_held_enrolment_is_kept_whole_with_the_time_it_was_recorded_until_its_class_opens(
    training: httpx.AsyncClient, recruitment: Recruitment, service_settings: ServiceSettings
) -> None:
    """Issue 14: a held fact is applied with its own recorded_at, never the time its antecedent arrived."""
    opened = recruitment.class_opened()
    recorded_at = datetime(2024, 8, 30, 1, 30, tzinfo=UTC)
    early = recruitment.enrolled(class_of(opened)).model_copy(update={"recorded_at": recorded_at})
    await recruitment.publish(early)
    await held(training, "class")

    pool = await create_pool(service_settings.database_url, f"training{service_settings.schema_suffix}")
    try:
        async with pooled(pool) as conn:
            look = conn.transaction()
            await look.start()
            try:
                [kept] = await PostgresHeldFacts(conn).release(Held(WaitsFor.CLASS, class_of(opened)))
            finally:
                await look.rollback()  # leaves the enrolment held for the service
    finally:
        await pool.close()
    assert (kept.id, kept.recorded_at, kept.occurred_on, kept.data) == (
        early.id,
        recorded_at,
        early.occurred_on,
        early.data,
    ), "what the roster applies when the class opens is the enrolment as it was recorded"

    await recruitment.publish(opened)
    await phase_becomes(training, student_of(early), "active")
