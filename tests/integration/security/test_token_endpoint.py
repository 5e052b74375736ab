"""Over real HTTP: a party's system gets a token at /oauth/token and calls a secured operation with it;
everything else is refused with RFC 6749 errors (token endpoint) or problem details (secured operations)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest
from fastapi import APIRouter, FastAPI

from shared.application.clock import FixedClock
from shared.config import ServiceSettings
from shared.security.administration import Issued
from shared.security.audit import AuditAction, AuditQuery
from shared.security.identity import Actor, Role, Scope
from shared.security.runtime import Administration, open_administration, open_identity
from shared.security.settings import SecuritySettings
from shared.security.tokens import TokenCodec
from shared.web.auth import CurrentActor, install_auth, requires, secured
from shared.web.problems import PROBLEM_JSON, install_problem_handlers
from tests.support.http import serving
from tests.support.waiting import eventually
from tests.unit.security.fakes import cheap_hasher

FORM = "application/x-www-form-urlencoded"


def secured_app(security: SecuritySettings) -> Callable[[ServiceSettings], FastAPI]:
    def create_app(settings: ServiceSettings) -> FastAPI:
        @contextlib.asynccontextmanager
        async def lifespan(app: FastAPI) -> AsyncIterator[None]:
            pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=4)
            assert pool is not None
            try:
                async with open_identity(security, settings.database_url, pool, hasher=cheap_hasher()) as identity:
                    app.state.identity = identity
                    yield
            finally:
                await pool.close()

        app = FastAPI(lifespan=lifespan)
        install_problem_handlers(app)
        install_auth(app)
        router = APIRouter()

        @router.get("/partnerships/{partnership_id}/figures")
        async def figures(partnership_id: UUID, actor: CurrentActor) -> dict[str, Any]:
            return {"client_id": actor.client_id, "party_id": str(actor.party_id), "role": actor.role}

        @router.post("/admin/import")
        async def import_facts(actor: Annotated[Actor, requires(Scope.IMPORT)]) -> dict[str, Any]:
            return {"client_id": actor.client_id}

        @app.get("/health")
        async def health() -> dict[str, str]:
            return {"status": "ok"}

        app.include_router(secured(router))
        return app

    return create_app


@pytest.fixture
async def admin(database_url: str, security_settings: SecuritySettings) -> AsyncIterator[Administration]:
    async with open_administration(security_settings, database_url) as administration:
        yield administration


@pytest.fixture
async def http(database_url: str, security_settings: SecuritySettings) -> AsyncIterator[httpx.AsyncClient]:
    settings = ServiceSettings(DATABASE_URL=database_url)
    async with serving(secured_app(security_settings), settings, anonymous=True) as client:
        yield client


@pytest.fixture
async def school(admin: Administration) -> Issued:
    return await admin.clients.add(Role.SCHOOL, uuid4(), "Bijie college registry", frozenset())


def credentials(issued: Issued) -> dict[str, str]:
    return {"grant_type": "client_credentials", "client_id": issued.client.client_id, "client_secret": issued.secret}


async def token(http: httpx.AsyncClient, issued: Issued) -> str:
    answer = await http.post("/oauth/token", data=credentials(issued))
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def figures_of(partnership_id: UUID | None = None) -> str:
    return f"/partnerships/{partnership_id or uuid4()}/figures"


async def test_a_school_gets_a_token_and_reads_as_itself(http: httpx.AsyncClient, school: Issued):
    answer = await http.post("/oauth/token", data=credentials(school))

    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert (body["token_type"], body["expires_in"], body["scope"]) == ("Bearer", 300, "")
    read = await http.get(figures_of(), headers={"Authorization": f"Bearer {body['access_token']}"})
    assert read.status_code == 200
    assert read.json() == {
        "client_id": school.client.client_id,
        "party_id": str(school.client.party_id),
        "role": "school",
    }


async def test_http_basic_authenticates_the_client_as_well(http: httpx.AsyncClient, school: Issued):
    answer = await http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(school.client.client_id, school.secret),
    )
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize("wrong", ["secret", "client"])
async def test_a_wrong_secret_or_unknown_client_is_invalid_client(http: httpx.AsyncClient, school: Issued, wrong: str):
    sent = credentials(school)
    sent["client_secret" if wrong == "secret" else "client_id"] += "x"

    answer = await http.post("/oauth/token", data=sent)

    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_client"
    assert answer.headers["www-authenticate"].startswith("Basic")


@pytest.mark.parametrize(
    ("content", "content_type", "status", "error"),
    [
        ("grant_type=password&username=a&password=b", FORM, 400, "unsupported_grant_type"),
        ("client_id=a&client_secret=b", FORM, 400, "invalid_request"),
        ('{"grant_type": "client_credentials"}', "application/json", 400, "invalid_request"),
        (b"grant_type=client_credentials&client_id=\xff", FORM, 400, "invalid_request"),
        ("grant_type=client_credentials&grant_type=client_credentials", FORM, 400, "invalid_request"),
        ("grant_type=client_credentials&scope=" + "x" * 5000, FORM, 400, "invalid_request"),
        ("grant_type=client_credentials", FORM, 401, "invalid_client"),
        ("grant_type=client_credentials&client_id=a&client_secret=" + "x" * 300, FORM, 401, "invalid_client"),
    ],
    ids=["password-grant", "no-grant", "json", "bad-utf8", "repeated", "oversized", "no-client", "huge-secret"],
)
async def test_a_malformed_token_request_gets_the_rfc_6749_error(
    http: httpx.AsyncClient, content: str | bytes, content_type: str, status: int, error: str
):
    answer = await http.post("/oauth/token", content=content, headers={"Content-Type": content_type})
    assert (answer.status_code, answer.json()["error"]) == (status, error)


async def test_basic_and_form_secrets_together_are_refused(http: httpx.AsyncClient, school: Issued):
    answer = await http.post("/oauth/token", data=credentials(school), auth=(school.client.client_id, school.secret))
    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_request")


@pytest.mark.parametrize(
    ("authorization", "code"),
    [
        (None, "missing_token"),
        ("Bearer not-a-token", "invalid_token"),
        ("Basic dXNlcjpwYXNz", "invalid_token"),
        ("Bearer ünïcödé", "invalid_token"),
    ],
)
async def test_a_secured_operation_without_a_valid_token_is_401_problem_details(
    http: httpx.AsyncClient, authorization: str | None, code: str
):
    headers = {"Authorization": authorization.encode()} if authorization else {}
    answer = await http.get(figures_of(), headers=headers)  # type: ignore[arg-type]  # raw bytes for non-ASCII

    assert answer.status_code == 401
    assert answer.headers["content-type"] == PROBLEM_JSON
    assert answer.headers["www-authenticate"].startswith('Bearer realm="cycle"')
    assert (answer.json()["code"], answer.json()["status"]) == (code, 401)


async def test_an_expired_token_is_401(http: httpx.AsyncClient, school: Issued, security_settings: SecuritySettings):
    an_hour_ago = FixedClock(datetime.now(UTC) - timedelta(hours=1))
    expired = TokenCodec(security_settings.signing_key, timedelta(minutes=5), an_hour_ago).issue(
        school.client, frozenset()
    )

    answer = await http.get(figures_of(), headers={"Authorization": f"Bearer {expired.value}"})

    assert (answer.status_code, answer.json()["code"]) == (401, "expired_token")
    assert 'error="invalid_token"' in answer.headers["www-authenticate"]


async def test_a_revoked_clients_token_answers_401_within_seconds(
    http: httpx.AsyncClient, school: Issued, admin: Administration
):
    bearer = {"Authorization": f"Bearer {await token(http, school)}"}
    assert (await http.get(figures_of(), headers=bearer)).status_code == 200

    await admin.clients.revoke(school.client.client_id)

    async def refused() -> bool:
        return (await http.get(figures_of(), headers=bearer)).status_code == 401

    await eventually(refused, timeout=10, interval=0.1)
    answer = await http.get(figures_of(), headers=bearer)
    assert answer.json()["code"] == "revoked_token"
    assert (await http.post("/oauth/token", data=credentials(school))).status_code == 401


@pytest.mark.parametrize("path", ["/health", "/docs", "/openapi.json"])
async def test_health_docs_and_the_openapi_document_stay_open(http: httpx.AsyncClient, path: str):
    assert (await http.get(path)).status_code == 200


async def test_tokens_and_reads_are_audited_with_the_callers_address(
    http: httpx.AsyncClient, school: Issued, admin: Administration
):
    partnership = uuid4()
    bearer = {"Authorization": f"Bearer {await token(http, school)}"}
    await http.get(figures_of(partnership) + "?name=secret-search", headers=bearer)
    await http.post("/oauth/token", data={**credentials(school), "client_secret": "wrong"})

    entries = await admin.audit.query(AuditQuery(client_id=school.client.client_id))

    actions = [(e.action, e.address, e.detail) for e in entries]
    assert actions == [
        (AuditAction.TOKEN_REFUSED, "127.0.0.1", "wrong secret"),
        (AuditAction.READ, "127.0.0.1", None),
        (AuditAction.TOKEN_ISSUED, "127.0.0.1", None),
        (AuditAction.CLIENT_ADDED, None, None),
    ]
    assert entries[1].operation == f"GET /partnerships/{partnership}/figures"
    assert all(e.party_id == school.client.party_id for e in entries)


async def test_an_operation_that_declares_a_scope_refuses_a_token_without_it_with_403(
    http: httpx.AsyncClient, school: Issued, admin: Administration
):
    operator = await admin.clients.add(Role.OPERATOR, None, "operations", frozenset({Scope.IMPORT}))

    refused = await http.post("/admin/import", headers={"Authorization": f"Bearer {await token(http, school)}"})
    allowed = await http.post("/admin/import", headers={"Authorization": f"Bearer {await token(http, operator)}"})

    assert (refused.status_code, refused.json()["code"]) == (403, "insufficient_scope")
    assert refused.headers["www-authenticate"].endswith('error="insufficient_scope", scope="import"')
    assert (allowed.status_code, allowed.json()) == (200, {"client_id": operator.client.client_id})
    commands = await admin.audit.query(AuditQuery(client_id=operator.client.client_id, action=AuditAction.COMMAND))
    assert [e.operation for e in commands] == ["POST /admin/import"]
