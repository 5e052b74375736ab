"""Reads split by party over real HTTP and PostgreSQL (issue 10, shared/security/reading.py): a party's client
reads the partnerships its party belongs to, a government those of its region, an operator every one; another
partnership's resource answers 404 and a listing leaves it out, in the four services alike.

Three partnerships: A with a school in Bijie and the Bijie bureau (a government) as members, B with a school in
Anshun, C with another school in Bijie; the sponsors are all in Guangzhou.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import pytest

from services.assessment.app import create_app as assessment_app
from services.employment.app import create_app as employment_app
from services.recruitment.app import create_app as recruitment_app
from services.training.app import create_app as training_app
from shared.config import ServiceSettings
from shared.persistence.database import drop_schema
from shared.security.identity import Role
from tests.integration.recruitment.flows import (
    Setting,
    admitted_student,
    apply,
    created,
    credit_code,
    open_class,
    partnership,
    party,
)
from tests.support.assessment import assessment_settings
from tests.support.http import authenticated, provision, serving
from tests.support.waiting import eventually

pytestmark = pytest.mark.timeout(300)
METRIC = "employment_rate"


@dataclass
class World:
    settings: ServiceSettings
    recruitment: httpx.AsyncClient  # each as an operator
    training: httpx.AsyncClient
    employment: httpx.AsyncClient
    assessment: httpx.AsyncClient
    a: Setting
    b: Setting
    c: Setting
    bureau: str  # the Bijie government, a member of A


async def member(client: httpx.AsyncClient, partnership_id: str, party_id: str) -> None:
    body = {"party_id": party_id, "occurred_on": "2024-01-02"}
    await created(await client.post(f"/partnerships/{partnership_id}/members", json=body))


async def partnership_with_a_school_in(client: httpx.AsyncClient, locality: str) -> Setting:
    school, sponsor_code = await party(client, "school", locality=locality), credit_code()
    sponsor = await party(client, "enterprise", credit_code=sponsor_code)
    pid = await partnership(client)
    for joining in (school, sponsor):
        await member(client, pid, joining)
    programme = await created(await client.post(f"/partnerships/{pid}/programmes", json={"name": "Technicians"}))
    s = Setting(pid, school, sponsor, sponsor_code, str(programme["programme_id"]), "")
    s.klass = await open_class(client, s)
    return s


@pytest.fixture
async def world(service_settings: ServiceSettings) -> AsyncIterator[World]:
    async with (
        serving(recruitment_app, service_settings) as recruitment,
        serving(training_app, service_settings) as training,
        serving(employment_app, service_settings) as employment,
        serving(assessment_app, assessment_settings(service_settings)) as assessment,  # type: ignore[arg-type]
    ):
        a, b, c = [await partnership_with_a_school_in(recruitment, where) for where in ("Bijie", "Anshun", "Bijie")]
        bureau = await party(recruitment, "government", locality="Bijie")
        await member(recruitment, a.partnership, bureau)
        yield World(service_settings, recruitment, training, employment, assessment, a, b, c, bureau)
    for service in ("recruitment", "training", "employment", "assessment"):
        await drop_schema(service_settings.database_url, service + service_settings.schema_suffix)


@contextlib.asynccontextmanager
async def reading_as(
    world: World, service: httpx.AsyncClient, role: Role, party_id: str
) -> AsyncIterator[httpx.AsyncClient]:
    credential = await provision(world.settings, role, party_id=UUID(party_id))
    async with authenticated(service, credential) as client:
        yield client


async def ids(client: httpx.AsyncClient, path: str, key: str, **params: Any) -> set[str]:
    answer = await client.get(path, params=params)
    assert answer.status_code == 200, answer.text
    return {str(item[key]) for item in answer.json()["items"]}


def hidden(answer: httpx.Response) -> None:
    """Another party's resource does not exist for the caller: 404, not 403."""
    assert (answer.status_code, answer.json()["code"]) == (404, "not_found"), answer.text


async def all_hidden(client: httpx.AsyncClient, *paths: str) -> None:
    for path in paths:
        hidden(await client.get(path))


async def test_a_school_lists_and_reads_only_its_own_partnerships_in_recruitment(world: World) -> None:
    a, b = world.a, world.b
    mine, theirs = await apply(world.recruitment, a.klass), await apply(world.recruitment, b.klass)
    async with reading_as(world, world.recruitment, Role.SCHOOL, a.school) as school:
        assert await ids(school, "/partnerships", "partnership_id") == {a.partnership}
        assert await ids(school, "/applications", "application_id") == {mine["application_id"]}
        assert await ids(school, "/classes", "class_id") == {a.klass}
        assert await ids(school, "/students", "student_id") == {mine["student_id"]}
        await all_hidden(
            school,
            f"/partnerships/{b.partnership}",
            f"/partnerships/{b.partnership}/members",
            f"/applications/{theirs['application_id']}",
            f"/classes/{b.klass}",
            f"/students/{theirs['student_id']}/timeline",
        )
        assert (await school.get(f"/students/{mine['student_id']}/timeline")).status_code == 200
    everything = await ids(world.recruitment, "/applications", "application_id")
    assert {mine["application_id"], theirs["application_id"]} <= everything


async def test_a_government_reads_the_partnerships_with_a_member_in_its_locality(world: World) -> None:
    async with reading_as(world, world.recruitment, Role.GOVERNMENT, world.bureau) as government:
        assert await ids(government, "/partnerships", "partnership_id") == {world.a.partnership, world.c.partnership}
        hidden(await government.get(f"/partnerships/{world.b.partnership}"))
    operator_sees = await ids(world.recruitment, "/partnerships", "partnership_id")
    assert {world.a.partnership, world.b.partnership, world.c.partnership} <= operator_sees


async def test_training_and_employment_leave_other_partnerships_out(world: World) -> None:
    a, b = world.a, world.b
    plan = {"modules": [{"name": "Wiring", "planned_hours": "40", "taught_by": "school"}], "occurred_on": "2024-08-20"}
    logged = {"module": "Wiring", "hours": "8", "taught_by": "school", "occurred_on": "2024-09-10"}

    def learned(client: httpx.AsyncClient, path: str) -> Callable[[], Awaitable[bool]]:
        async def answers() -> bool:
            return (await client.get(path)).status_code == 200

        return answers

    logs, students = {}, {}
    for s in (a, b):
        students[s.partnership] = str((await admitted_student(world.recruitment, s.klass))["student_id"])
        await eventually(learned(world.training, f"/classes/{s.klass}"), timeout=60)
        await created(await world.training.post(f"/classes/{s.klass}/plans", json={**plan, "agreed_by": s.school}))
        log = await world.training.post(f"/classes/{s.klass}/hours-logs", json={**logged, "logged_by": s.school})
        logs[s.partnership] = str((await created(log))["log_id"])
        for service in (world.training, world.employment):
            await eventually(learned(service, f"/students/{students[s.partnership]}"), timeout=60)
    async with (
        reading_as(world, world.training, Role.SCHOOL, a.school) as training,
        reading_as(world, world.employment, Role.SCHOOL, a.school) as employment,
    ):

        async def knows_its_membership() -> bool:
            return await ids(training, "/classes", "class_id") == {a.klass}

        await eventually(knows_its_membership, timeout=60)
        assert await ids(training, "/hours-logs", "log_id") == {logs[a.partnership]}
        hidden(await training.get(f"/hours-logs/{logs[b.partnership]}"))
        hidden(await training.get(f"/classes/{b.klass}"))
        for service in (training, employment):
            assert await ids(service, "/students", "student_id") == {students[a.partnership]}
            own_timeline = await service.get(f"/students/{students[a.partnership]}/timeline")  # no facts here yet
            assert own_timeline.status_code == 200, own_timeline.text
            await all_hidden(
                service, f"/students/{students[b.partnership]}", f"/students/{students[b.partnership]}/timeline"
            )
        assert await ids(employment, "/partnerships", "partnership_id") == {a.partnership}
        hidden(await employment.get(f"/partnerships/{b.partnership}"))
    assert set(logs.values()) <= await ids(world.training, "/hours-logs", "log_id")
    assert set(students.values()) <= await ids(world.employment, "/students", "student_id")


async def figures_of(world: World, *partnerships: str) -> None:
    """Live figures and a June snapshot of each partnership, as the workers would have written them."""
    schema = "assessment" + world.settings.schema_suffix
    conn = await asyncpg.connect(world.settings.database_url)
    try:
        for n, pid in enumerate(partnerships):
            row = [f"partnership:{pid}", 1, "total", "total", METRIC, n + 1, 10, (n + 1) / 10, False]
            await conn.execute(
                f"INSERT INTO {schema}.figures_latest (generation, scope, version, dimension, bucket, metric,"
                " numerator, denominator, value, final, as_of) VALUES ('g1', $1, $2, $3, $4, $5, $6, $7, $8, $9,"
                " '2026-06-30')",
                *row,
            )
            await conn.execute(
                f"INSERT INTO {schema}.snapshots (period_kind, period, scope, version, dimension, bucket, metric,"
                " numerator, denominator, value, final, as_of, generation)"
                " VALUES ('monthly', '2025-06', $1, $2, $3, $4, $5, $6, $7, $8, $9, '2025-06-30', 'g1')",
                *row,
            )
    finally:
        await conn.close()


async def ranked(client: httpx.AsyncClient) -> set[str]:
    answer = await client.get(f"/rankings/{METRIC}", params={"version": 1})
    assert answer.status_code == 200, answer.text
    return {item["scope"] for item in answer.json()["ranking"]}


async def test_figures_rankings_exports_and_snapshots_answer_only_the_callers_partnerships(world: World) -> None:
    a, b, c = world.a, world.b, world.c
    await figures_of(world, a.partnership, b.partnership, c.partnership)
    scope = {s.partnership: f"partnership:{s.partnership}" for s in (a, b, c)}
    async with (
        reading_as(world, world.assessment, Role.SCHOOL, a.school) as school,
        reading_as(world, world.assessment, Role.GOVERNMENT, world.bureau) as government,
    ):

        async def learned_the_memberships() -> bool:  # from the topics, into its own schema
            return await ranked(government) == {scope[a.partnership], scope[c.partnership]}

        await eventually(learned_the_memberships, timeout=60)
        figures = await school.get(f"/partnerships/{a.partnership}/figures")
        assert figures.status_code == 200, figures.text
        assert figures.json()["figures"]
        await all_hidden(
            school,
            f"/partnerships/{b.partnership}/figures",
            f"/rollups/{b.partnership}/figures",
            f"/partnerships/{b.partnership}/targets",
            f"/snapshots/monthly/2025-06/{scope[b.partnership]}",
        )
        assert (await school.get(f"/snapshots/monthly/2025-06/{scope[a.partnership]}")).status_code == 200
        assert await ranked(school) == {scope[a.partnership]}
        exported = await school.get("/export/figures", params={"format": "json"})
        assert {f["scope"] for f in exported.json()} == {scope[a.partnership]}
        assert (await school.post("/snapshots/2025-05")).status_code == 403
        assert await ranked(government) == {scope[a.partnership], scope[c.partnership]}
    assert await ranked(world.assessment) >= set(scope.values())
