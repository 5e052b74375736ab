"""Bad input against the real services (issue 10): each answered with its status and a problem-details body of
the documented shape, and nothing stored (the service's outbox does not grow)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest

from services.assessment.app import create_app as assessment_app
from services.employment.app import create_app as employment_app
from services.recruitment.app import create_app as recruitment_app
from services.training.app import create_app as training_app
from shared.application.clock import FixedClock
from shared.config import ServiceSettings
from shared.messaging.topics import ensure_topics, product_topics
from shared.persistence.database import drop_schema
from shared.security.identity import Role
from shared.security.runtime import open_administration
from shared.security.tokens import TokenCodec
from shared.web.problems import PROBLEM_JSON
from tests.conftest import TEST_PARTITIONS
from tests.integration.recruitment.flows import Setting, application_body, apply, national_id, setting
from tests.support.assessment import assessment_settings
from tests.support.http import authenticated, provision, serving
from tests.support.waiting import eventually

pytestmark = pytest.mark.timeout(600)
PROBLEM_FIELDS = {"type", "title", "status", "detail", "code"}
LOOKUPS_PER_MINUTE = 3


@dataclass
class Services:
    settings: ServiceSettings
    recruitment: httpx.AsyncClient
    training: httpx.AsyncClient
    employment: httpx.AsyncClient
    assessment: httpx.AsyncClient
    setting: Setting

    async def outbox_size(self, service: str) -> int:
        conn = await asyncpg.connect(self.settings.database_url)
        try:
            return int(await conn.fetchval(f"SELECT count(*) FROM {service}{self.settings.schema_suffix}.outbox"))
        finally:
            await conn.close()


@pytest.fixture(scope="module")
async def services(kafka_bootstrap: str, database_url: str) -> AsyncIterator[Services]:
    suffix = uuid4().hex[:10]
    namespace = f"b{suffix}."
    await ensure_topics(kafka_bootstrap, product_topics(namespace), TEST_PARTITIONS)
    settings = ServiceSettings(
        KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap,
        DATABASE_URL=database_url,
        CYCLE_TOPIC_NAMESPACE=namespace,
        CYCLE_TOPIC_PARTITIONS=TEST_PARTITIONS,
        CYCLE_SCHEMA_SUFFIX=f"_b{suffix}",
        CYCLE_LOOKUP_RATE_LIMIT=f"{LOOKUPS_PER_MINUTE}/minute",
    )
    assessment = assessment_settings(settings)
    async with (
        serving(recruitment_app, settings) as recruitment,
        serving(training_app, settings) as training,
        serving(employment_app, settings) as employment,
        serving(assessment_app, assessment) as figures,  # type: ignore[arg-type]  # its settings extend these
    ):
        yield Services(settings, recruitment, training, employment, figures, await setting(recruitment))
    for service in ("recruitment", "training", "employment", "assessment"):
        await drop_schema(database_url, service + settings.schema_suffix)


def refused(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = response.json()
    assert set(body) >= PROBLEM_FIELDS
    assert body["status"] == status
    if code is not None:
        assert body["code"] == code, body
    return body


async def test_no_credential_is_401_with_a_bearer_challenge_on_every_service(services: Services):
    for client, path in (
        (services.recruitment, "/partnerships"),
        (services.training, "/classes"),
        (services.employment, "/students"),
        (services.assessment, "/export/figures"),
    ):
        async with authenticated(client, None) as anonymous:
            answer = await anonymous.get(path)
            assert (await anonymous.get("/health")).status_code == 200
        refused(answer, 401, "missing_token")
        assert answer.headers["www-authenticate"].startswith("Bearer")


async def test_an_expired_a_foreign_and_a_non_ascii_token_are_401(services: Services):
    settings = services.settings
    async with open_administration(settings, settings.database_url) as administration:
        issued = await administration.clients.add(Role.OPERATOR, None, "expired", frozenset())
    past = FixedClock(datetime.now(UTC) - timedelta(hours=1))
    expired = TokenCodec(settings.signing_key, settings.token_lifetime, past).issue(issued.client, frozenset())
    foreign = TokenCodec(b"x" * 40, settings.token_lifetime, past).issue(issued.client, frozenset())
    async with authenticated(services.recruitment, None) as raw:
        for token, code in ((expired.value, "expired_token"), (foreign.value, "invalid_token")):
            refused(await raw.get("/partnerships", headers={"Authorization": f"Bearer {token}"}), 401, code)
        non_ascii = {"Authorization": "Bearer tøkén".encode()}
        refused(await raw.get("/partnerships", headers=non_ascii), 401, "invalid_token")
        form = {"grant_type": "client_credentials", "client_id": issued.client.client_id, "client_secret": "sécret"}
        assert (await raw.post("/oauth/token", data=form)).status_code == 401


async def test_a_revoked_clients_token_is_refused_within_seconds(services: Services):
    credential = await provision(services.settings, Role.SCHOOL, uuid4())
    async with authenticated(services.employment, None) as raw:
        form = {"grant_type": "client_credentials", "client_id": credential.client_id}
        token = (await raw.post("/oauth/token", data={**form, "client_secret": credential.secret})).json()
        bearer = {"Authorization": f"Bearer {token['access_token']}"}
        assert (await raw.get("/students", headers=bearer)).status_code == 200
        async with open_administration(services.settings, services.settings.database_url) as administration:
            await administration.clients.revoke(credential.client_id)

        async def refused_now() -> bool:
            return (await raw.get("/students", headers=bearer)).status_code == 401

        await eventually(refused_now, timeout=15)
        refused(await raw.get("/students", headers=bearer), 401, "revoked_token")


async def test_an_idempotency_key_reused_with_another_body_is_409_and_stores_nothing(services: Services):
    key = {"Idempotency-Key": f"registry-{uuid4()}"}
    body = application_body(services.setting.klass)
    assert (await services.recruitment.post("/applications", json=body, headers=key)).status_code == 201
    before = await services.outbox_size("recruitment")
    other = application_body(services.setting.klass)
    refused(await services.recruitment.post("/applications", json=other, headers=key), 409, "conflict")
    assert await services.outbox_size("recruitment") == before


async def test_bodies_too_large_not_json_not_utf8_or_of_another_type_are_refused(services: Services):
    before = await services.outbox_size("recruitment")
    post = services.recruitment.post
    json_type = {"content-type": "application/json"}
    refused(await post("/applications", content=b"x" * (2 * 1024 * 1024), headers=json_type), 413)
    refused(await post("/applications", content=b'{"class_id": ', headers=json_type), 400, "malformed_json")
    refused(await post("/applications", content=b'{"name": "\xff\xfe"}', headers=json_type), 400, "invalid_encoding")
    body = json.dumps(application_body(services.setting.klass)).encode()
    refused(await post("/applications", content=body, headers={"content-type": "text/plain"}), 415)
    assert await services.outbox_size("recruitment") == before


@pytest.mark.parametrize("service", ["recruitment", "training", "employment"])
async def test_a_nul_character_in_a_text_field_is_422_on_every_stage_service(services: Services, service: str):
    client = getattr(services, service)
    path, body = {
        "recruitment": ("/applications", application_body(services.setting.klass, channel="fair\x00")),
        "training": (f"/students/{uuid4()}/progress-reviews", {"outcome": "on track\u0000"}),
        "employment": (f"/students/{uuid4()}/household-status", {"poor_household": True, "status": "\x00"}),
    }[service]
    before = await services.outbox_size(service)
    answer = refused(await client.post(path, json=body), 422, "nul_character")
    assert answer["errors"][0]["loc"][0] == "body"
    assert await services.outbox_size(service) == before


async def test_deep_json_huge_numbers_infinity_and_long_text_are_422(services: Services):
    s = services.setting
    recorded = await apply(services.recruitment, s.klass)
    deep: Any = "x"
    for _ in range(900):
        deep = {"a": deep}
    before = await services.outbox_size("recruitment")
    post = services.recruitment.post
    refused(await post(f"/events/{recorded['event_id']}/corrections", json={"fields": deep, "reason": "x"}), 422)
    partnership = {"name": "Too long", "valid_from": "2024-01-01", "retention_checkpoints": [90, 2**31]}
    refused(await post("/partnerships", json=partnership), 422, "number_out_of_range")
    infinity = b'{"metric": "employment_rate", "comparison": "at_least", "goal": Infinity}'
    target = f"/partnerships/{s.partnership}/targets"
    refused(await post(target, content=infinity, headers={"content-type": "application/json"}), 422)
    huge = b'{"metric": "employment_rate", "comparison": "at_least", "goal": 1e400}'
    refused(await post(target, content=huge, headers={"content-type": "application/json"}), 422)
    reason = {"reason": "x" * 3000}
    refused(await post(f"/events/{recorded['event_id']}/retractions", json=reason), 422)
    refused(await post(f"/events/{recorded['event_id']}/retractions", json={"reason": "x" * (2 * 1024 * 1024)}), 413)
    assert await services.outbox_size("recruitment") == before


async def test_dates_out_of_range_are_422(services: Services):
    before = await services.outbox_size("recruitment")
    ancient = application_body(services.setting.klass, occurred_on="0001-01-01")
    refused(await services.recruitment.post("/applications", json=ancient), 422, "invalid_fact")
    assert await services.outbox_size("recruitment") == before
    pid = services.setting.partnership
    figures = f"/partnerships/{pid}/figures"
    refused(await services.assessment.get(figures, params={"as_of": "9999-12-31"}), 422, "out_of_range")
    for params in ({"version": 2**31}, {"version": 2**31, "as_of": "2025-01-01"}, {"version": -1}):
        refused(await services.assessment.get(figures, params=params), 422, "invalid_request")


async def test_malformed_cursors_are_422_not_500(services: Services):
    for cursor in ("not-base64!", "ImFiYyI=", "WzEsIDJd", "e30="):  # garbage, "abc", [1, 2], {}
        for path in ("/students", "/placements", "/retention-checks/due", f"/students/{uuid4()}/timeline"):
            answer = await services.employment.get(path, params={"cursor": cursor})
            assert answer.status_code in (404, 422), (path, cursor, answer.text)
            refused(answer, answer.status_code)


async def test_the_national_id_lookup_is_rate_limited_per_client_with_retry_after(services: Services):
    lookup = {"national_id": national_id()}
    answers = [await services.recruitment.post("/students/lookup", json=lookup) for _ in range(LOOKUPS_PER_MINUTE)]
    assert {a.status_code for a in answers} == {404}
    limited = refused(await services.recruitment.post("/students/lookup", json=lookup), 429, "rate_limited")
    assert "retry" in limited["detail"]
    again = await services.recruitment.post("/students/lookup", json=lookup)
    assert 1 <= int(again.headers["retry-after"]) <= 60
    other = await provision(services.settings, Role.OPERATOR, name="another operator")
    async with authenticated(services.recruitment, other) as client:  # another client has its own window
        assert (await client.post("/students/lookup", json=lookup)).status_code == 403  # no personal_data scope


async def test_a_party_cannot_read_a_students_timeline_by_guessing_ids(services: Services):
    credential = await provision(services.settings, Role.SCHOOL, uuid4())
    async with authenticated(services.recruitment, credential) as stranger:
        student = (await apply(services.recruitment, services.setting.klass))["student_id"]
        answers = await asyncio.gather(*(stranger.get(f"/students/{s}/timeline") for s in (student, uuid4())))
    assert [a.status_code for a in answers] == [404, 404]
