"""The simulation's HTTP client rides out a service that is killed, restarting or refusing work for now: it retries
with the same Idempotency-Key until a final answer, and never ends in a traceback (issue 13)."""

from __future__ import annotations

import time
from collections.abc import Callable
from uuid import uuid4

import httpx
import pytest

import simulation.clients
from shared.web.client_auth import TOKEN_PATH, Credential
from simulation.calls import Call
from simulation.clients import Refused, StageClients, Unanswered
from simulation.ids import Ids

URLS = {"recruitment": "http://recruitment"}
CALL = Call("recruitment", "/parties", {"name": "a school"}, "party.school")


class Flaky:
    """Answers each attempt with the next of `answers` (a status, or an exception to raise), then 201."""

    def __init__(self, *answers: int | Exception, retry_after: str = "0") -> None:
        self.answers = list(answers)
        self.retry_after = retry_after
        self.keys: list[str] = []
        self.at: list[float] = []
        self.event_id = str(uuid4())

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.keys.append(request.headers["Idempotency-Key"])
        self.at.append(time.monotonic())
        answer = self.answers.pop(0) if self.answers else 201
        if isinstance(answer, Exception):
            raise answer
        if answer == 201:
            return httpx.Response(201, json={"event_id": self.event_id})
        if answer == 500:
            return httpx.Response(500, text="Internal Server Error")
        return httpx.Response(answer, json={"code": "unavailable"}, headers={"Retry-After": self.retry_after})


async def send(service: Callable[[httpx.Request], httpx.Response]) -> tuple[dict[str, object], StageClients]:
    ids = Ids.for_scenario("retries", 1)
    async with StageClients(URLS, ids, transport=httpx.MockTransport(service)) as clients:
        return await clients.send(CALL), clients


async def test_a_killed_service_is_retried_with_the_same_idempotency_key_until_it_answers():
    refused = httpx.ConnectError("connection refused")
    cut = httpx.RemoteProtocolError("server disconnected without sending a response")
    service = Flaky(refused, cut, 502, 503, 504)
    body, clients = await send(service)
    assert body == {"event_id": service.event_id}
    assert len(service.keys) == 6
    assert set(service.keys) == {clients.ids.idempotency_key(CALL.fact_key)}
    assert clients.traffic.retries == 5
    assert clients.traffic.commands["recruitment"] == 1
    assert clients.ids.events[CALL.fact_key].event_id.hex == service.event_id.replace("-", "")


@pytest.mark.parametrize("status", [503, 429])
async def test_a_busy_service_or_a_rate_limit_is_retried_no_sooner_than_its_retry_after(status: int):
    service = Flaky(status, retry_after="1")
    await send(service)
    assert service.at[1] - service.at[0] >= 1.0
    assert len(set(service.keys)) == 1


async def test_a_server_error_is_a_final_answer_reported_as_a_refusal_not_a_traceback():
    service = Flaky(500)
    with pytest.raises(Refused) as refused:
        await send(service)
    assert refused.value.status == 500
    assert refused.value.detail == {"detail": "Internal Server Error"}
    assert len(service.keys) == 1


async def test_a_service_that_never_comes_back_is_reported_after_the_deadline(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(simulation.clients, "RETRY_FOR_SECONDS", 0.5)
    service = Flaky(*[503] * 100, retry_after="1")
    with pytest.raises(Unanswered):
        await send(service)
    assert len(service.keys) > 1


async def test_a_token_endpoint_whose_database_is_away_is_retried_and_a_refused_credential_is_not():
    token_answers = [503, 503, 200]

    def service(request: httpx.Request) -> httpx.Response:
        if request.url.path == TOKEN_PATH:
            status = token_answers.pop(0) if token_answers else 401
            if status != 200:
                return httpx.Response(status, json={"error": "temporarily_unavailable"}, headers={"Retry-After": "0"})
            return httpx.Response(200, json={"access_token": "t", "token_type": "Bearer", "expires_in": 900})
        return httpx.Response(201, json={"event_id": str(uuid4())})

    ids = Ids.for_scenario("retries", 1)
    transport = httpx.MockTransport(service)
    async with StageClients(URLS, ids, transport=transport, credential=Credential("c", "s")) as clients:
        await clients.send(CALL)
        assert clients.traffic.retries == 2
    async with StageClients(URLS, ids, transport=transport, credential=Credential("c", "s")) as clients:
        with pytest.raises(Refused) as refused:
            await clients.send(CALL)
    assert refused.value.status == 401
    assert not isinstance(refused.value, Unanswered)
