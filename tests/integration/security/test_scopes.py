"""Scopes over real HTTP, PostgreSQL and Kafka: each party's client records only its role's facts about its own
partnerships, in its own name; refusals are 403 problem details and store nothing; training learns who belongs
where from the partnership topic."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from uuid import UUID, uuid4

import httpx
import pytest

from services.recruitment.app import create_app as recruitment_app
from services.training.app import create_app as training_app
from shared.config import ServiceSettings
from shared.persistence.database import drop_schema
from shared.security.audit import AuditAction, AuditQuery
from shared.security.identity import Role
from shared.security.runtime import open_administration
from shared.web.problems import PROBLEM_JSON
from tests.integration.recruitment.flows import (
    Setting,
    admitted_student,
    application_body,
    apply,
    created,
    enrol,
    setting,
)
from tests.support.http import authenticated, provision, serving
from tests.support.waiting import eventually

PROBLEM_FIELDS = {"type", "title", "status", "detail", "code"}


@dataclass
class Stack:
    settings: ServiceSettings
    recruitment: httpx.AsyncClient
    training: httpx.AsyncClient
    setting: Setting


@pytest.fixture
async def stack(service_settings: ServiceSettings) -> AsyncIterator[Stack]:
    async with (
        serving(recruitment_app, service_settings) as recruitment,
        serving(training_app, service_settings) as training,
    ):
        yield Stack(service_settings, recruitment, training, await setting(recruitment))
    for service in ("recruitment", "training"):
        await drop_schema(service_settings.database_url, service + service_settings.schema_suffix)


@contextlib.asynccontextmanager
async def as_party(
    stack: Stack, service: httpx.AsyncClient, role: Role, party: str
) -> AsyncIterator[httpx.AsyncClient]:
    credential = await provision(stack.settings, role, party_id=uuid4() if party == "new" else UUID(party))
    async with authenticated(service, credential) as client:
        yield client


def forbidden(response: httpx.Response) -> dict[str, object]:
    assert response.status_code == 403, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, object] = response.json()
    assert set(body) >= PROBLEM_FIELDS
    assert body["code"] == "forbidden"
    return body


async def applications_of(stack: Stack) -> list[str]:
    answer = await stack.recruitment.get("/applications", params={"class_id": stack.setting.klass})
    return [item["application_id"] for item in answer.json()["items"]]


async def test_a_school_records_applications_of_its_own_class_and_other_parties_are_refused(stack: Stack):
    s = stack.setting
    async with (
        as_party(stack, stack.recruitment, Role.SCHOOL, s.school) as school,
        as_party(stack, stack.recruitment, Role.ENTERPRISE, s.sponsor) as sponsor,
        as_party(stack, stack.recruitment, Role.GOVERNMENT, "new") as government,
        as_party(stack, stack.recruitment, Role.SCHOOL, "new") as stranger,
    ):
        mine = await apply(school, s.klass)
        for outsider in (sponsor, government, stranger):
            forbidden(await outsider.post("/applications", json=application_body(s.klass)))
    assert await applications_of(stack) == [mine["application_id"]]


async def test_an_idempotency_key_is_the_clients_own(stack: Stack):
    s = stack.setting
    body = application_body(s.klass)
    key = {"Idempotency-Key": "registry-2024-0001"}
    async with (
        as_party(stack, stack.recruitment, Role.SCHOOL, s.school) as school,
        as_party(stack, stack.recruitment, Role.ENTERPRISE, s.sponsor) as sponsor,
    ):
        first = await created(await school.post("/applications", json=body, headers=key))
        forbidden(await sponsor.post("/applications", json=application_body(s.klass), headers=key))  # not replayed
        again = await school.post("/applications", json=body, headers=key)
    assert (again.status_code, again.json()) == (201, first)


async def test_only_the_recorders_party_or_an_operator_retracts_a_fact(stack: Stack):
    s = stack.setting
    async with (
        as_party(stack, stack.recruitment, Role.SCHOOL, s.school) as school,
        as_party(stack, stack.recruitment, Role.ENTERPRISE, s.sponsor) as sponsor,
    ):
        first, second = await apply(school, s.klass), await apply(school, s.klass)
        reason = {"reason": "recorded for the wrong student"}
        forbidden(await sponsor.post(f"/events/{first['event_id']}/retractions", json=reason))
        await created(await school.post(f"/events/{first['event_id']}/retractions", json=reason))
    await created(await stack.recruitment.post(f"/events/{second['event_id']}/retractions", json=reason))


async def test_training_learns_the_members_and_holds_hours_to_the_callers_party_and_staff(stack: Stack):
    s = stack.setting

    async def knows_class() -> bool:
        return (await stack.training.get(f"/classes/{s.klass}")).status_code == 200

    await eventually(knows_class, timeout=60)
    plan = {
        "modules": [
            {"name": "Wiring", "planned_hours": "40", "taught_by": "school"},
            {"name": "Site work", "planned_hours": "40", "taught_by": "enterprise"},
        ],
        "occurred_on": "2024-08-20",
    }
    logged = {"module": "Wiring", "hours": "8", "taught_by": "school", "occurred_on": "2024-09-10"}
    async with (
        as_party(stack, stack.training, Role.SCHOOL, s.school) as school,
        as_party(stack, stack.training, Role.ENTERPRISE, s.sponsor) as sponsor,
    ):
        await created(await school.post(f"/classes/{s.klass}/plans", json={**plan, "agreed_by": s.school}))
        log = await created(await school.post(f"/classes/{s.klass}/hours-logs", json={**logged, "logged_by": s.school}))
        forbidden(await sponsor.post(f"/classes/{s.klass}/hours-logs", json={**logged, "logged_by": s.school}))
        forbidden(
            await school.post(
                f"/classes/{s.klass}/hours-logs", json={**logged, "taught_by": "enterprise", "logged_by": s.school}
            )
        )
        verified = {"hours_accepted": "8", "occurred_on": "2024-09-11"}
        forbidden(
            await sponsor.post(
                f"/hours-logs/{log['log_id']}/verifications", json={**verified, "verified_by": str(uuid4())}
            )
        )
        await created(
            await sponsor.post(
                f"/hours-logs/{log['log_id']}/verifications", json={**verified, "verified_by": s.sponsor}
            )
        )
    logs = (await stack.training.get("/hours-logs", params={"class_id": s.klass})).json()["items"]
    assert [item["log_id"] for item in logs] == [log["log_id"]]


async def test_every_fact_a_client_records_has_an_audit_row_with_its_id_and_type_and_nothing_personal(stack: Stack):
    s = stack.setting
    async with as_party(stack, stack.recruitment, Role.SCHOOL, s.school) as school:
        recorded = await apply(school, s.klass)
        client_id = school.auth.credential.client_id  # type: ignore[union-attr]
    async with open_administration(stack.settings, stack.settings.database_url) as administration:
        entries = await administration.audit.query(AuditQuery(client_id=client_id))
    facts = [e for e in entries if e.action is AuditAction.FACT_RECORDED]
    assert [(str(e.event_id), e.event_type, str(e.partnership_id)) for e in facts] == [
        (recorded["event_id"], "ApplicationSubmitted", s.partnership)
    ]
    assert {e.action for e in entries} >= {AuditAction.TOKEN_ISSUED, AuditAction.COMMAND}
    assert all(str(e.party_id) == s.school for e in entries)


async def test_a_students_timeline_is_read_by_its_partnerships_parties_and_names_need_the_personal_data_scope(
    stack: Stack,
):
    s = stack.setting
    async with (
        as_party(stack, stack.recruitment, Role.SCHOOL, s.school) as school,
        as_party(stack, stack.recruitment, Role.SCHOOL, "new") as stranger,
    ):
        student = (await apply(school, s.klass))["student_id"]
        timeline = await school.get(f"/students/{student}/timeline")
        assert [e["type"] for e in timeline.json()["items"]] == ["ApplicationSubmitted"]
        hidden = await stranger.get(f"/students/{student}/timeline")
        assert (hidden.status_code, hidden.json()["code"]) == (404, "not_found")
        for refused in (
            await school.get(f"/students/{student}"),
            await school.post("/students/lookup", json={"national_id": "52240119990101001X"}),
        ):
            assert (refused.status_code, refused.json()["code"]) == (403, "insufficient_scope")
    assert (await stack.recruitment.get(f"/students/{student}")).status_code == 200


async def test_the_scope_check_comes_before_a_refusal_so_an_outsider_learns_nothing_of_a_students_state(stack: Stack):
    s = stack.setting
    cancel = {"reason": "never arrived at the school", "occurred_on": "2024-07-01"}
    async with (
        as_party(stack, stack.recruitment, Role.SCHOOL, s.school) as school,
        as_party(stack, stack.recruitment, Role.SCHOOL, "new") as stranger,
        as_party(stack, stack.recruitment, Role.GOVERNMENT, "new") as government,
    ):
        student = (await apply(school, s.klass))["student_id"]  # applied, never enrolled: nothing to cancel
        enrolled = await admitted_student(school, s.klass)  # enrolled already: a second enrolment is refused
        for outsider in (stranger, government):
            forbidden(await outsider.post(f"/students/{student}/cancellation", json=cancel))
            forbidden(await enrol(outsider, enrolled["application_id"]))
        refusals = [
            await school.post(f"/students/{student}/cancellation", json=cancel),
            await enrol(school, enrolled["application_id"]),
        ]
    assert [r.status_code for r in refusals] == [409, 409], [r.text for r in refusals]
