"""Run a service's FastAPI app on a real port, in the test's event loop, and talk to it over HTTP.

Every service is secured (issue 10), so the client `serving` yields calls as an operator client provisioned in
the test's security schema (`security` + the schema suffix), through the real token endpoint; `as_client` calls
as another client (`provision` one), `anonymous` sends no credential. The security schema is dropped when the
last service serving on it stops.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator, Callable
from uuid import UUID

import httpx
import uvicorn
from fastapi import FastAPI

from shared.config import ServiceSettings
from shared.infra.net import listening_socket, port_of
from shared.persistence.database import drop_schema
from shared.security.identity import Actor, Role, Scope
from shared.security.runtime import open_administration
from shared.web.auth import current_actor
from shared.web.client_auth import ClientCredentials, Credential
from tests.support.waiting import eventually

OPERATOR_SCOPES = frozenset({Scope.IMPORT, Scope.PERSONAL_DATA})
_serving_on: Counter[tuple[str, str]] = Counter()
_operators: dict[tuple[str, str], Credential] = {}


async def provision(
    settings: ServiceSettings,
    role: Role,
    party_id: UUID | None = None,
    scopes: frozenset[Scope] = frozenset(),
    name: str = "test client",
) -> Credential:
    """A client in the settings' security schema, as `cycle clients add` makes one."""
    async with open_administration(settings, settings.database_url) as administration:
        issued = await administration.clients.add(role, party_id, name, scopes)
    return Credential(issued.client.client_id, issued.secret)


async def operator(settings: ServiceSettings) -> Credential:
    """One operator client per security schema, with every scope."""
    key = (settings.database_url, settings.security_schema)
    if key not in _operators:
        _operators[key] = await provision(settings, Role.OPERATOR, scopes=OPERATOR_SCOPES, name="tests' operator")
    return _operators[key]


def as_operator(app: FastAPI) -> FastAPI:
    """An app called in-process without its lifespan (httpx.ASGITransport), so without an identity to verify
    tokens with: every call is an operator's."""
    app.dependency_overrides[current_actor] = lambda: Actor("tests-operator", None, Role.OPERATOR, OPERATOR_SCOPES)
    return app


def authenticated(client: httpx.AsyncClient, credential: Credential | None) -> httpx.AsyncClient:
    """Another client on the same service: as `credential`, or anonymous when None."""
    return httpx.AsyncClient(
        base_url=client.base_url,
        timeout=client.timeout,
        auth=ClientCredentials(credential) if credential is not None else None,
    )


@contextlib.asynccontextmanager
async def serving(
    create_app: Callable[[ServiceSettings], FastAPI],
    settings: ServiceSettings,
    *,
    anonymous: bool = False,
    as_client: Credential | None = None,
) -> AsyncIterator[httpx.AsyncClient]:
    sock = listening_socket()
    port = port_of(sock)
    server = uvicorn.Server(uvicorn.Config(create_app(settings), log_level="warning", lifespan="on"))
    schema = (settings.database_url, settings.security_schema)
    _serving_on[schema] += 1
    task = asyncio.create_task(server.serve(sockets=[sock]))
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        try:

            async def healthy() -> bool:
                if task.done():
                    task.result()  # raises the start-up error
                with contextlib.suppress(httpx.TransportError):
                    return (await client.get("/health")).status_code == 200
                return False

            await eventually(healthy, timeout=60)
            if not anonymous:
                client.auth = ClientCredentials(as_client or await operator(settings))
            yield client
        finally:
            server.should_exit = True
            with contextlib.suppress(Exception):
                await asyncio.wait_for(task, timeout=15)
            sock.close()
            _serving_on[schema] -= 1
            if not _serving_on[schema] and settings.schema_suffix:  # never a deployment's own `security`
                _operators.pop(schema, None)
                await drop_schema(settings.database_url, settings.security_schema)
