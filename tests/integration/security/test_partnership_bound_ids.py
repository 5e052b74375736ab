"""Every partnership-bound id a fact names is checked, over real HTTP, Kafka and PostgreSQL (issue 10,
shared/security/policy.py): a party records a fact only if it belongs, in its role on the fact's date, to the
partnership of each id — both classes of a transfer, the class a restart leaves and enters — and an id the
service does not know answers a party the same 403 as another partnership's id, an operator the 404 it always
did. Nothing is stored after a refusal.

The world of test_reads_by_party.py: partnerships A and C with schools in Bijie, B with a school in Anshun; here
C's school also joins A, so it is a school of both sides of a transfer from A to C.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import httpx
import pytest

from shared.security.identity import Role
from tests.integration.recruitment.flows import admitted_student, created
from tests.integration.security import test_reads_by_party as reads
from tests.integration.security.test_reads_by_party import World, ids, member, reading_as
from tests.support.waiting import eventually

pytestmark = pytest.mark.timeout(300)
world = reads.world  # the fixture: three partnerships in two regions, the four services
MOVE = {"start_on": "2024-10-08"}


def refused(answer: httpx.Response) -> None:
    assert (answer.status_code, answer.json()["code"]) == (403, "forbidden"), answer.text


async def learner(world: World, student_id: str) -> dict[str, Any]:
    answer = await world.training.get(f"/students/{student_id}")
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def moves(world: World, student_id: str) -> list[str]:
    timeline = (await world.training.get(f"/students/{student_id}/timeline")).json()["items"]
    return [entry["type"] for entry in timeline]


async def enrolled_in_training(world: World, klass: str) -> str:
    student = str((await admitted_student(world.recruitment, klass))["student_id"])

    async def learned() -> bool:
        return (await world.training.get(f"/students/{student}")).status_code == 200

    await eventually(learned, timeout=60)
    return student


async def test_a_transfer_is_recorded_only_by_a_school_of_both_partnerships(world: World) -> None:
    a, b, c = world.a, world.b, world.c
    await member(world.recruitment, a.partnership, c.school)
    student = await enrolled_in_training(world, a.klass)
    async with (
        reading_as(world, world.training, Role.SCHOOL, a.school) as origin,
        reading_as(world, world.training, Role.SCHOOL, b.school) as destination,
        reading_as(world, world.training, Role.SCHOOL, c.school) as of_both,
    ):
        for client, klass in ((origin, a.klass), (destination, b.klass), (of_both, c.klass)):

            async def knows_its_class(client: httpx.AsyncClient = client, klass: str = klass) -> bool:
                return klass in await ids(client, "/classes", "class_id")

            await eventually(knows_its_class, timeout=60)
        path = f"/students/{student}/transfers"
        refused(await destination.post(path, json={**MOVE, "to_class_id": b.klass}))  # pulled in by B alone
        refused(await origin.post(path, json={**MOVE, "to_class_id": b.klass}))  # pushed out by A alone
        unknown = {**MOVE, "to_class_id": str(uuid4())}
        refused(await origin.post(path, json=unknown))  # the same answer: B's class does not exist for A
        assert (await world.training.post(path, json=unknown)).status_code == 404  # the operator's, as before
        assert (await learner(world, student))["class_id"] == a.klass
        assert "TransferredToClass" not in await moves(world, student)
        moved = await of_both.post(path, json={**MOVE, "to_class_id": c.klass})
        assert moved.status_code == 201, moved.text
        assert (await learner(world, student))["class_id"] == c.klass


async def test_a_restart_into_another_partnerships_class_needs_the_partnership_it_leaves(world: World) -> None:
    a, b = world.a, world.b
    student = await enrolled_in_training(world, a.klass)
    async with (
        reading_as(world, world.training, Role.SCHOOL, a.school) as origin,
        reading_as(world, world.training, Role.SCHOOL, b.school) as destination,
    ):

        async def knows_its_student() -> bool:
            return student in await ids(origin, "/students", "student_id")

        await eventually(knows_its_student, timeout=60)
        withdrawn = {"last_day": "2024-10-31", "reason": "family"}
        await created(await origin.post(f"/students/{student}/withdrawal", json=withdrawn))
        restart = {"start_on": "2025-03-03", "class_id": b.klass}
        refused(await destination.post(f"/students/{student}/restarts", json=restart))
        refused(await origin.post(f"/students/{student}/restarts", json=restart))
    assert (await learner(world, student))["phase"] == "withdrawn"
    assert "Restarted" not in await moves(world, student)


async def test_an_unknown_id_answers_a_party_as_another_partnerships_id_and_an_operator_404(world: World) -> None:
    a, b = world.a, world.b
    theirs = await admitted_student(world.recruitment, b.klass)
    decision = {"decision": "rejected", "occurred_on": "2024-07-02"}
    async with (
        reading_as(world, world.recruitment, Role.SCHOOL, a.school) as recruitment,
        reading_as(world, world.employment, Role.SCHOOL, a.school) as employment,
    ):
        for unknown in (f"/applications/{uuid4()}/decisions", f"/applications/{theirs['application_id']}/decisions"):
            refused(await recruitment.post(unknown, json=decision))
        answer = {"answer": "accepted", "occurred_on": "2025-07-02"}
        refused(await employment.post(f"/offers/{uuid4()}/answer", json=answer))
        check = {"checkpoint_days": 90, "still_employed": True, "same_employer": True}
        refused(await employment.post(f"/placements/{uuid4()}/retention-checks", json=check))
    operator = await world.recruitment.post(f"/applications/{uuid4()}/decisions", json=decision)
    assert (operator.status_code, operator.json()["code"]) == (404, "not_found"), operator.text
    assert (await world.employment.post(f"/offers/{uuid4()}/answer", json=answer)).status_code == 404
    their_decisions = await world.recruitment.get(f"/applications/{theirs['application_id']}")
    assert their_decisions.json()["decision"] == "admitted", their_decisions.text
