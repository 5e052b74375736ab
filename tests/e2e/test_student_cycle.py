"""One student through the whole cycle, over the three services' public HTTP APIs.

Training and employment learn about the student only from events; afterwards no topic holds a name or a
national ID.
"""

from __future__ import annotations

from contextlib import AsyncExitStack

import httpx

from shared.config import ServiceSettings
from shared.contracts.registry import STAGE_TOPICS
from shared.messaging.topics import product_topics
from tests.support.http import serving
from tests.support.kafka import envelopes, read_all
from tests.support.waiting import eventually

NAME = "王小明"
NATIONAL_ID = "11010519491231002X"
HUKOU = "贵州省毕节市七星关区"
SPONSOR_CODE = "91440101MA59UQ6X1D"


async def created(response: httpx.Response) -> dict:
    assert response.status_code == 201, response.text
    return response.json()


async def known(client: httpx.AsyncClient, path: str, **expected: object) -> bool:
    response = await client.get(path)
    return response.status_code == 200 and all(response.json().get(k) == v for k, v in expected.items())


async def set_up_class(recruitment: httpx.AsyncClient) -> dict:
    school = await created(
        await recruitment.post(
            "/parties",
            json={
                "name": "Bijie Vocational and Technical College",
                "role": "school",
                "region": "west",
                "locality": "Bijie",
            },
        )
    )
    sponsor = await created(
        await recruitment.post(
            "/parties",
            json={
                "name": "Guangzhou Baiyun Electric Equipment Co., Ltd.",
                "role": "enterprise",
                "region": "east",
                "locality": "Guangzhou",
                "credit_code": SPONSOR_CODE,
            },
        )
    )
    partnership = (
        await created(
            await recruitment.post(
                "/partnerships",
                json={
                    "name": "Guangzhou-Bijie ordered classes",
                    "valid_from": "2023-01-01",
                    "occurred_on": "2023-01-01",
                    "east_region": "Guangzhou",
                    "west_region": "Bijie",
                },
            )
        )
    )["partnership_id"]
    for party in (school, sponsor):
        await created(
            await recruitment.post(
                f"/partnerships/{partnership}/members",
                json={"party_id": party["party_id"], "occurred_on": "2023-01-02"},
            )
        )
    programme = (
        await created(
            await recruitment.post(
                f"/partnerships/{partnership}/programmes",
                json={"name": "Guangdong Technicians", "occurred_on": "2023-01-03"},
            )
        )
    )["programme_id"]
    class_id = (
        await created(
            await recruitment.post(
                "/classes",
                json={
                    "partnership_id": partnership,
                    "programme_id": programme,
                    "school_id": school["party_id"],
                    "sponsor_id": sponsor["party_id"],
                    "name": "Baiyun Electric class 2023",
                    "major": "Electrical equipment",
                    "seats": 40,
                    "cohort_year": 2023,
                    "planned_start": "2023-09-01",
                    "planned_end": "2025-06-30",
                    "hiring_commitment": 40,
                    "occurred_on": "2023-06-01",
                },
            )
        )
    )["class_id"]
    return {"partnership": partnership, "class": class_id, "school": school["party_id"], "sponsor": sponsor["party_id"]}


async def recruit(recruitment: httpx.AsyncClient, class_id: str) -> str:
    application = await created(
        await recruitment.post(
            "/applications",
            json={
                "class_id": class_id,
                "applicant": {"name": NAME, "national_id": NATIONAL_ID, "household_registration": HUKOU},
                "home_region": "Bijie",
                "poor_household": True,
                "poor_household_verified_by": "poverty_registry",
                "prior_education": "junior secondary",
                "channel": "village recruitment fair",
                "occurred_on": "2023-06-10",
            },
        )
    )
    await created(
        await recruitment.post(
            f"/applications/{application['application_id']}/decisions",
            json={"decision": "admitted", "occurred_on": "2023-07-01"},
        )
    )
    await created(
        await recruitment.post(
            f"/applications/{application['application_id']}/enrolment",
            json={"start_on": "2023-09-01", "planned_end_on": "2025-06-30", "occurred_on": "2023-09-01"},
        )
    )
    return application["student_id"]


async def train(training: httpx.AsyncClient, ids: dict, student: str) -> None:
    await eventually(lambda: known(training, f"/students/{student}"), timeout=60)
    await created(
        await training.post(
            f"/classes/{ids['class']}/plans",
            json={
                "occurred_on": "2023-08-20",
                "modules": [
                    {"name": "Wiring practice", "planned_hours": "120", "taught_by": "enterprise"},
                    {"name": "Electrical theory", "planned_hours": "100", "taught_by": "school"},
                ],
            },
        )
    )
    for module, hours, taught_by, logger, verifier, day in (
        ("Wiring practice", "60", "enterprise", ids["sponsor"], ids["school"], "2023-10-10"),
        ("Electrical theory", "40", "school", ids["school"], ids["sponsor"], "2023-10-11"),
    ):
        log = await created(
            await training.post(
                f"/classes/{ids['class']}/hours-logs",
                json={
                    "module": module,
                    "hours": hours,
                    "taught_by": taught_by,
                    "logged_by": logger,
                    "occurred_on": day,
                },
            )
        )
        await created(
            await training.post(
                f"/hours-logs/{log['log_id']}/verifications",
                json={"hours_accepted": hours, "verified_by": verifier, "occurred_on": day},
            )
        )
    await created(
        await training.post(
            f"/students/{student}/certificates",
            json={
                "name": "Electrician",
                "level": "intermediate (level 4)",
                "issuer": "Guizhou HRSS",
                "awarded_on": "2025-05-20",
            },
        )
    )
    await created(await training.post(f"/students/{student}/graduation", json={"graduated_on": "2025-06-30"}))


async def place_and_check(employment: httpx.AsyncClient, student: str) -> dict:
    await eventually(lambda: known(employment, f"/students/{student}", training_status="graduated"), timeout=60)
    placement = await created(
        await employment.post(
            f"/students/{student}/placements",
            json={
                "employer_name": "Guangzhou Baiyun Electric Equipment Co., Ltd.",
                "employer_credit_code": SPONSOR_CODE,
                "relation": "other",
                "employer_type": "state_owned",
                "location": "east",
                "related_to_training": True,
                "monthly_wage": "5200.00",
                "contract_type": "fixed_term",
                "social_insurance": True,
                "start_on": "2025-07-01",
                "occurred_on": "2025-07-01",
                "evidence": "employer_confirmation",
            },
        )
    )
    await created(
        await employment.post(
            f"/placements/{placement['subject_id']}/retention-checks",
            json={
                "checkpoint_days": 180,
                "still_employed": True,
                "same_employer": True,
                "monthly_wage": "5600.00",
                "occurred_on": "2025-12-29",
                "evidence": "social_insurance_record",
            },
        )
    )
    return placement


async def test_one_student_is_recruited_trained_placed_and_checked_through_events_alone(
    service_settings: ServiceSettings, kafka_bootstrap: str, topic_namespace: str
):
    from services.employment.app import create_app as employment_app
    from services.recruitment.app import create_app as recruitment_app
    from services.training.app import create_app as training_app

    async with AsyncExitStack() as stack:
        recruitment = await stack.enter_async_context(serving(recruitment_app, service_settings))
        training = await stack.enter_async_context(serving(training_app, service_settings))
        employment = await stack.enter_async_context(serving(employment_app, service_settings))

        ids = await set_up_class(recruitment)
        student = await recruit(recruitment, ids["class"])
        await train(training, ids, student)
        await place_and_check(employment, student)

        topics = [topic_namespace + topic for topic in STAGE_TOPICS.values()]
        events = envelopes(await read_all(kafka_bootstrap, topics, at_least=17))
        of_student = {e.type for e in events if e.student_id is not None and str(e.student_id) == student}
        assert {
            "ApplicationSubmitted",
            "StudentEnrolled",
            "CertificateAwarded",
            "Graduated",
            "Placed",
            "RetentionChecked",
        } <= of_student
        assert {str(e.partnership_id) for e in events} == {ids["partnership"]}, "every event keyed by partnership"
        placed = next(e for e in events if e.type == "Placed")
        assert placed.data.relation == "sponsor", "the credit code decides, not the client's flag"
        enterprise_hours = [e for e in events if e.type == "TrainingHoursVerified"]
        assert len(enterprise_hours) == 2

    every_record = await read_all(kafka_bootstrap, product_topics(topic_namespace), at_least=len(events))
    for record in every_record:
        blob = (record.value or b"") + b"".join(record.headers.values()) + (record.key or b"")
        for secret in (NAME, NATIONAL_ID, HUKOU):
            assert secret.encode() not in blob, f"personal data on {record.topic}"
