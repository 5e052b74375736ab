"""Employment's offers, placements and retention checks (recorded and due), and the held facts of employment and
training, split by party over real HTTP, Kafka and PostgreSQL (issue 10, shared/security/reading.py): a school
or an enterprise lists only its partnerships' rows and hears 404 for another's, a government lists its region's,
an operator every one.

The world of test_reads_by_party.py: A and C with schools in Bijie (the Bijie bureau a member of A), B with a
school in Anshun. Each has a graduate with an offer, a placement and its 90-day check, and A and B a student
still in training whose offer employment holds until a graduation arrives.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from uuid import uuid4

import asyncpg
import httpx
import pytest

from shared.security.identity import Role
from tests.integration.employment.conftest import placement_body
from tests.integration.recruitment.flows import Setting, admitted_student, created
from tests.integration.security import test_reads_by_party as reads
from tests.integration.security.test_reads_by_party import World, all_hidden, ids, reading_as
from tests.support.waiting import eventually

pytestmark = pytest.mark.timeout(300)
world = reads.world  # the fixture: three partnerships in two regions, the four services
OFFER = {"employer_name": "Guangzhou Baiyun Electric", "employer_credit_code": "91440101MA5CYRXK3T"}


@dataclass
class Records:
    offer: str
    placement: str
    check: str


async def employment_knows(world: World, student: str, training_status: str) -> None:
    async def learned() -> bool:
        answer = await world.employment.get(f"/students/{student}")
        return answer.status_code == 200 and answer.json()["training_status"] == training_status

    await eventually(learned, timeout=60)


async def in_training(world: World, s: Setting) -> str:
    student = str((await admitted_student(world.recruitment, s.klass))["student_id"])
    await employment_knows(world, student, "enrolled")
    return student


async def graduate_with_a_job(world: World, s: Setting) -> Records:
    student = await in_training(world, s)
    await created(await world.training.post(f"/students/{student}/graduation", json={"graduated_on": "2025-06-30"}))
    await employment_knows(world, student, "graduated")
    offer = await created(
        await world.employment.post(f"/students/{student}/offers", json={**OFFER, "monthly_wage": "4800"})
    )
    body = {**placement_body(OFFER["employer_credit_code"]), "start_on": "2025-07-01"}
    placed = await created(await world.employment.post(f"/students/{student}/placements", json=body))
    check = {"checkpoint_days": 90, "still_employed": True, "same_employer": True}
    checked = await created(
        await world.employment.post(f"/placements/{placed['subject_id']}/retention-checks", json=check)
    )
    return Records(str(offer["subject_id"]), str(placed["subject_id"]), str(checked["event_id"]))


async def held_offer(world: World, s: Setting) -> str:
    student = await in_training(world, s)
    held = await world.employment.post(f"/students/{student}/offers", json={**OFFER, "monthly_wage": "4800"})
    assert (held.status_code, held.json()["status"]) == (202, "held"), held.text
    [item] = (await world.employment.get("/held-facts", params={"student_id": student})).json()["items"]
    return str(item["held_id"])


async def listed(client: httpx.AsyncClient) -> dict[str, set[str]]:
    return {
        "offers": await ids(client, "/offers", "offer_id"),
        "placements": await ids(client, "/placements", "placement_id"),
        "checks": await ids(client, "/retention-checks", "check_id"),
        "due": await ids(client, "/retention-checks/due", "placement_id"),
        "held": await ids(client, "/held-facts", "held_id"),
    }


def expected(records: list[Records], held: list[str]) -> dict[str, set[str]]:
    return {
        "offers": {r.offer for r in records},
        "placements": {r.placement for r in records},
        "checks": {r.check for r in records},
        "due": {r.placement for r in records},  # the 180- and 365-day checks have passed, unrecorded
        "held": set(held),
    }


async def test_offers_placements_checks_and_held_facts_answer_only_the_callers_partnerships(world: World) -> None:
    a, b, c = world.a, world.b, world.c
    done = {s.partnership: await graduate_with_a_job(world, s) for s in (a, b, c)}
    held = {s.partnership: await held_offer(world, s) for s in (a, b)}
    async with (
        reading_as(world, world.employment, Role.SCHOOL, a.school) as school,
        reading_as(world, world.employment, Role.ENTERPRISE, a.sponsor) as enterprise,
        reading_as(world, world.employment, Role.GOVERNMENT, world.bureau) as government,
    ):

        async def knows_the_memberships() -> bool:
            return await ids(government, "/partnerships", "partnership_id") == {a.partnership, c.partnership}

        await eventually(knows_the_memberships, timeout=60)
        theirs = done[b.partnership]
        for party in (school, enterprise):
            assert await listed(party) == expected([done[a.partnership]], [held[a.partnership]])
        assert await listed(government) == expected([done[a.partnership], done[c.partnership]], [held[a.partnership]])
        for party in (school, enterprise, government):
            await all_hidden(
                party,
                f"/offers/{theirs.offer}",
                f"/placements/{theirs.placement}",
                f"/retention-checks/{theirs.check}",
                f"/held-facts/{held[b.partnership]}",
            )
            for path, key, value in (
                ("/offers", "partnership_id", b.partnership),
                (
                    "/placements",
                    "student_id",
                    (await world.employment.get(f"/placements/{theirs.placement}")).json()["student_id"],
                ),
                ("/retention-checks", "placement_id", theirs.placement),
            ):
                assert await ids(party, path, key, **{key: value}) == set(), path
        mine = done[a.partnership]
        assert (await school.get(f"/offers/{mine.offer}")).status_code == 200
        assert (await enterprise.get(f"/retention-checks/{mine.check}")).status_code == 200
        assert (await school.get(f"/held-facts/{held[a.partnership]}")).status_code == 200
    everything = await listed(world.employment)
    for kind, rows in expected(list(done.values()), list(held.values())).items():
        assert rows <= everything[kind], kind


async def held_in_training(world: World, *partnerships: str) -> dict[str, str]:
    """An inbound enrolment of each partnership waiting for its class, as training's consumer holds one."""
    schema = "training" + world.settings.schema_suffix
    held = {}
    conn = await asyncpg.connect(world.settings.database_url)
    try:
        for pid in partnerships:
            held[pid] = str(uuid4())
            await conn.execute(
                f"INSERT INTO {schema}.held_facts (event_id, event_type, waits_for, waits_for_id, key, headers, value)"
                " VALUES ($1, 'StudentEnrolled', 'class', $2, $3, $4::jsonb, $5)",
                held[pid],
                uuid4(),
                pid,
                json.dumps({"ce_type": "StudentEnrolled"}),
                b"{}",
            )
    finally:
        await conn.close()
    return held


async def test_trainings_held_facts_are_listed_only_to_the_parties_of_their_partnership(world: World) -> None:
    a, b, c = world.a, world.b, world.c
    held = await held_in_training(world, a.partnership, b.partnership, c.partnership)
    async with (
        reading_as(world, world.training, Role.SCHOOL, a.school) as school,
        reading_as(world, world.training, Role.GOVERNMENT, world.bureau) as government,
    ):

        async def knows_the_memberships() -> bool:
            return await ids(government, "/classes", "class_id") == {a.klass, c.klass}

        await eventually(knows_the_memberships, timeout=60)
        assert await ids(school, "/held-facts", "event_id") == {held[a.partnership]}
        assert await ids(government, "/held-facts", "event_id") == {held[a.partnership], held[c.partnership]}
    assert set(held.values()) <= await ids(world.training, "/held-facts", "event_id")
