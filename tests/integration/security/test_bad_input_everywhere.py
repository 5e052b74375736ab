"""The bad input of test_bad_input.py on the services it did not try (issue 10): a revoked token on all four, a
non-ASCII token, malformed, non-UTF-8 and mistyped bodies, malformed cursors and CloudEvents replayed with
another body or sent in too long a batch on training and employment, injection strings kept as text, and a
4.3 MB training plan that leaves training's /health answering. Each refusal is a problem-details body and
stores nothing."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any
from uuid import uuid4

import httpx
import pytest

from shared.security.identity import Role
from shared.security.runtime import open_administration
from tests.integration.recruitment.flows import admitted_student, application_body, created
from tests.integration.security import test_bad_input as bad
from tests.integration.security.test_bad_input import Services, refused
from tests.support.http import authenticated, provision
from tests.support.waiting import eventually

pytestmark = pytest.mark.timeout(600)
services = bad.services  # the module's fixture: the four services on their own topics and schemas
STRUCTURED = {"content-type": "application/cloudevents+json"}
BATCH = {"content-type": "application/cloudevents-batch+json"}
READS = {
    "recruitment": "/partnerships",
    "training": "/classes",
    "employment": "/students",
    "assessment": "/rankings/enrolled",
}


def clients(services: Services) -> dict[str, httpx.AsyncClient]:
    return {name: getattr(services, name) for name in READS}


async def test_a_revoked_clients_token_answers_401_on_all_four_services_within_seconds(services: Services) -> None:
    credential = await provision(services.settings, Role.SCHOOL, uuid4())
    async with authenticated(services.recruitment, None) as raw:
        form = {
            "grant_type": "client_credentials",
            "client_id": credential.client_id,
            "client_secret": credential.secret,
        }
        bearer = {"Authorization": f"Bearer {(await raw.post('/oauth/token', data=form)).json()['access_token']}"}
    for name, client in clients(services).items():
        assert (await client.get(READS[name], headers=bearer)).status_code == 200, name
    async with open_administration(services.settings, services.settings.database_url) as administration:
        await administration.clients.revoke(credential.client_id)
    revoked_at = time.monotonic()
    for name, client in clients(services).items():
        async with authenticated(client, None) as raw:

            async def refused_now(raw: httpx.AsyncClient = raw, path: str = READS[name]) -> bool:
                return (await raw.get(path, headers=bearer)).status_code == 401

            await eventually(refused_now, timeout=15)
            refused(await raw.get(READS[name], headers=bearer), 401, "revoked_token")
    assert time.monotonic() - revoked_at < 2 * services.settings.revocation_refresh_seconds + 2


async def test_a_non_ascii_token_is_401_on_every_service(services: Services) -> None:
    for name, client in clients(services).items():
        async with authenticated(client, None) as raw:
            answer = await raw.get(READS[name], headers=[(b"authorization", "Bearer tøkén".encode())])
        refused(answer, 401, "invalid_token")


@pytest.mark.parametrize("service", ["training", "employment"])
async def test_malformed_non_utf8_and_mistyped_bodies_are_refused_on_training_and_employment(
    services: Services, service: str
) -> None:
    client = getattr(services, service)
    path = {"training": f"/students/{uuid4()}/progress-reviews", "employment": f"/students/{uuid4()}/household-status"}[
        service
    ]
    json_type = {"content-type": "application/json"}
    before = await services.outbox_size(service)
    refused(await client.post(path, content=b'{"outcome": ', headers=json_type), 400, "malformed_json")
    refused(await client.post(path, content=b'{"outcome": "\xff\xfe"}', headers=json_type), 400, "invalid_encoding")
    refused(await client.post(path, content=b'{"status": "x"}', headers={"content-type": "text/plain"}), 415)
    refused(await client.post(path, content=b"x" * (2 * 1024 * 1024), headers=json_type), 413)
    assert await services.outbox_size(service) == before


async def test_malformed_cursors_are_422_not_500_on_recruitment_and_training(services: Services) -> None:
    for client, paths in (
        (services.recruitment, ("/applications", "/partnerships", "/students")),
        (services.training, ("/classes", "/hours-logs", "/students", "/held-facts")),
    ):
        for cursor in ("not-base64!", "ImFiYyI=", "WzEsIDJd", "e30=", "OTk5OTk5OTk5OTk5OTk5OTk5OTk5"):
            for path in paths:
                answer = await client.get(path, params={"cursor": cursor})
                assert answer.status_code in (404, 422), (path, cursor, answer.text)
                refused(answer, answer.status_code)


def cloudevent(event_type: str, data: dict[str, Any], **extensions: str) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": str(uuid4()),
        "source": "/tests/bad-input",
        "type": f"cycle.{event_type}",
        "datacontenttype": "application/json",
        "data": data,
        **extensions,
    }


async def learned(client: httpx.AsyncClient, path: str) -> None:
    async def known() -> bool:
        return (await client.get(path)).status_code == 200

    await eventually(known, timeout=60)


async def test_a_cloudevent_replayed_with_another_body_is_409_and_a_batch_too_long_413_on_training_and_employment(
    services: Services,
) -> None:
    student = str((await admitted_student(services.recruitment, services.setting.klass))["student_id"])
    review = cloudevent("ProgressReviewHeld", {"outcome": "on track", "on_track": True}, studentid=student)
    household = cloudevent("HouseholdStatusUpdated", {"poor_household": False, "status": "lifted"}, studentid=student)
    for service, event, other in (
        ("training", review, {"outcome": "behind", "on_track": False}),
        ("employment", household, {"poor_household": True, "status": "still registered"}),
    ):
        client = getattr(services, service)
        await learned(client, f"/students/{student}")
        first = await client.post("/events", json=event, headers=STRUCTURED)
        assert first.status_code == 201, first.text
        before = await services.outbox_size(service)
        assert (await client.post("/events", json=event, headers=STRUCTURED)).json() == first.json()
        refused(await client.post("/events", json={**event, "data": other}, headers=STRUCTURED), 409)
        batch = [cloudevent(event["type"].removeprefix("cycle."), other, studentid=student) for _ in range(1001)]
        refused(await client.post("/events", json=batch, headers=BATCH), 413)
        assert await services.outbox_size(service) == before, service


INJECTIONS = ["'; DROP TABLE applications; --", "<script>alert(1)</script>", "{{7*7}}", "${jndi:ldap://x/a}", "%00%27"]


async def test_injection_strings_in_text_fields_are_kept_as_the_text_they_are(services: Services) -> None:
    for text in INJECTIONS:
        body = application_body(services.setting.klass, channel=text, home_region=text, prior_education=text)
        recorded = await created(await services.recruitment.post("/applications", json=body))
        kept = (await services.recruitment.get(f"/applications/{recorded['application_id']}")).json()
        assert (kept["channel"], kept["home_region"], kept["prior_education"]) == (text, text, text)
    listed = await services.recruitment.get("/applications", params={"class_id": services.setting.klass})
    assert listed.status_code == 200, listed.text


async def test_a_four_megabyte_training_plan_leaves_health_answering(services: Services) -> None:
    klass = services.setting.klass
    await learned(services.training, f"/classes/{klass}")
    modules = [
        {"name": f"Module {n:06d} of the plan", "planned_hours": "1", "taught_by": "school"} for n in range(60_000)
    ]
    plan = cloudevent("TrainingPlanAgreed", {"modules": modules}, classid=klass, occurredon="2024-08-20")
    body = json.dumps(plan).encode()  # encoded before: the client shares the service's event loop
    assert len(body) > 4_300_000
    before = await services.outbox_size("training")
    async with authenticated(services.training, None) as health:
        slowest = 0.0
        sent = asyncio.create_task(services.training.post("/events", content=body, headers=STRUCTURED, timeout=120))
        while not sent.done():
            started = time.monotonic()
            assert (await health.get("/health", timeout=30)).status_code == 200
            slowest = max(slowest, time.monotonic() - started)
            await asyncio.sleep(0.05)
        answer = await sent
    refused(answer, 422)
    assert await services.outbox_size("training") == before
    # measured 0.04-0.8 s with the body parsed off the event loop; 1.1-3.6 s with it parsed on the loop
    assert slowest < 1.5, f"/health took {slowest:.2f} s while the plan was handled"


async def test_dates_out_of_range_are_422_on_training_and_employment(services: Services) -> None:
    student = str((await admitted_student(services.recruitment, services.setting.klass))["student_id"])
    for service, path, body in (
        ("training", f"/students/{student}/breaks", {"reason": "family"}),
        ("employment", f"/students/{student}/household-status", {"poor_household": False}),
    ):
        client = getattr(services, service)
        await learned(client, f"/students/{student}")
        day = "start_on" if service == "training" else "occurred_on"
        before = await services.outbox_size(service)
        for when in ("0001-01-01", "9999-12-31", "2024-02-30"):
            answer = await client.post(path, json={**body, day: when})
            refused(answer, 422)
        assert await services.outbox_size(service) == before, service
