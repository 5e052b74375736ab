"""Commands that race on one class or one applicant: the row locks and unique indexes keep the rules."""

from __future__ import annotations

import asyncio

from tests.integration.recruitment.conftest import Service
from tests.integration.recruitment.flows import applicant, application_body, apply, created, decide, enrol, setting


async def test_two_enrolments_racing_for_the_last_seat_give_one_student_the_seat(recruitment: Service):
    client = recruitment.client
    s = await setting(client, seats=1)
    applications = [await apply(client, s.klass) for _ in range(2)]
    for application in applications:
        await created(await decide(client, application["application_id"], "admitted"))

    answers = await asyncio.gather(*(enrol(client, a["application_id"]) for a in applications))

    assert sorted(a.status_code for a in answers) == [201, 409]
    assert (await client.get(f"/classes/{s.klass}")).json()["enrolled"] == 1


async def test_one_applicant_applying_twice_at_once_gets_one_student_id(recruitment: Service):
    client = recruitment.client
    first, second = await setting(client), await setting(client)
    person = applicant()

    answers = await asyncio.gather(
        client.post("/applications", json=application_body(first.klass, person)),
        client.post("/applications", json=application_body(second.klass, person)),
    )

    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json()["student_id"] == answers[1].json()["student_id"]
