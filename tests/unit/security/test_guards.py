"""The request guard, the timeout and the rate limits in front of every route, on a bare app in process."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.routing import APIRoute
from limits import parse_many
from limits.strategies import MovingWindowRateLimiter
from pydantic import BaseModel, Field

from shared.web.guards import (
    PARSED,
    BodyLimits,
    CheckedBodyRoute,
    Refused,
    RequestGuard,
    RequestTimeout,
    _Parser,
)
from shared.web.rate_limits import ClientRateLimits, RateLimited, install_rate_limits, rate_limited
from shared.web.rate_windows import SWEEP_EVERY, MovingWindowsInMemory


def app(limits: BodyLimits | None = None, timeout: float = 5.0) -> FastAPI:
    application = FastAPI()
    install_rate_limits(application, "1000/second", {"lookup": "2/minute"})

    @application.post("/echo")
    async def echo(request: Request) -> dict[str, object]:
        return {"received": await request.json()}

    @application.post("/oauth/token")
    async def token(request: Request) -> dict[str, int]:
        return {"bytes": len(await request.body())}

    @application.post("/lookup", dependencies=[rate_limited("lookup")])
    async def lookup() -> dict[str, str]:
        return {}

    @application.get("/slow")
    async def slow() -> dict[str, str]:
        await asyncio.sleep(10)
        return {}

    application.add_middleware(RequestGuard, limits=limits or BodyLimits(max_bytes=4096))
    application.add_middleware(RequestTimeout, seconds=timeout)
    return application


def client(application: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://guarded")


async def post(body: bytes, content_type: str = "application/json", path: str = "/echo") -> httpx.Response:
    async with client(app()) as http:
        return await http.post(path, content=body, headers={"content-type": content_type})


async def test_well_formed_json_reaches_the_route_unchanged():
    body = {"reason": "ß and 中文", "n": -(2**31) + 1, "x": 1.5, "nested": [{"a": None}]}
    answer = await post(json.dumps(body).encode())
    assert (answer.status_code, answer.json()) == (200, {"received": body})


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b"x" * 5000, "application/json", 413, "payload_too_large"),
        (b'{"a": ', "application/json", 400, "malformed_json"),
        (b'{"a": "\xc3"}', "application/json", 400, "invalid_encoding"),
        (b'{"a": 1}', "text/plain", 415, "unsupported_media_type"),
        (b'{"a": "x\\u0000y"}', "application/json", 422, "nul_character"),
        (b'{"a\\u0000": 1}', "application/json", 422, "nul_character"),
        (b'{"a": 2147483648}', "application/json", 422, "number_out_of_range"),
        (b'{"a": -99999999999999999999}', "application/json", 422, "number_out_of_range"),
        (b'{"a": Infinity}', "application/json", 422, "number_out_of_range"),
        (b'{"a": NaN}', "application/json", 422, "number_out_of_range"),
        (b'{"a": 1e999}', "application/json", 422, "number_out_of_range"),
        (b"[" * 40 + b"]" * 40, "application/json", 422, "too_deep"),
        (b'{"a": "' + b"y" * 3000 + b'"}', "application/json", 200, None),
    ],
)
async def test_what_no_route_should_see_is_refused_with_a_problem(
    body: bytes, content_type: str, status: int, code: str | None
):
    answer = await post(body, content_type)
    assert answer.status_code == status, answer.text
    if code is not None:
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["code"] == code


async def test_a_string_longer_than_any_field_is_refused_with_where_it_is():
    async with client(app(BodyLimits(max_bytes=100_000, max_string=50))) as http:
        answer = await http.post("/echo", json={"fields": {"reason": "z" * 51}})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["loc"] == ["body", "fields", "reason"]


async def test_an_escaped_backslash_u_is_text_not_a_nul():
    answer = await post(rb'{"a": "C:\\u0000"}')
    assert answer.status_code == 200


async def test_the_token_endpoint_keeps_its_form_body():
    answer = await post(b"grant_type=client_credentials", "application/x-www-form-urlencoded", "/oauth/token")
    assert answer.json() == {"bytes": 29}


async def test_a_request_that_runs_too_long_is_abandoned_with_503_and_retry_after():
    async with client(app(timeout=0.2)) as http:
        answer = await http.get("/slow")
    assert (answer.status_code, answer.json()["code"]) == (503, "timeout")
    assert "retry-after" in answer.headers


async def test_an_operation_limit_answers_429_with_retry_after_once_spent():
    async with client(app()) as http:
        answers = [await http.post("/lookup") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json()["code"] == "rate_limited"
    assert 1 <= int(answers[2].headers["retry-after"]) <= 60


def test_each_client_has_its_own_window_and_a_refusal_spends_nothing():
    limits = ClientRateLimits("2/minute")
    limits.check("a")
    limits.check("a")
    with pytest.raises(RateLimited) as refused:
        limits.check("a")
    assert refused.value.retry_after >= 1
    limits.check("b")


def test_a_moving_window_lets_a_client_in_again_as_its_oldest_hits_leave_it():
    now = [1000.0]
    limiter = MovingWindowRateLimiter(MovingWindowsInMemory(clock=lambda: now[0]))
    [per_minute] = parse_many("3/minute")

    for step in (0, 10, 20):
        now[0] = 1000.0 + step
        assert limiter.hit(per_minute, "a")
    now[0] = 1059.0
    assert not limiter.hit(per_minute, "a")
    assert limiter.get_window_stats(per_minute, "a") == (1060.0, 0)  # the oldest hit leaves at 1060
    now[0] = 1060.5
    assert limiter.hit(per_minute, "a")  # one left the window, one place free
    assert not limiter.hit(per_minute, "a")
    assert limiter.hit(per_minute, "b")
    now[0] = 1200.0
    assert limiter.get_window_stats(per_minute, "a") == (1200.0 + 60, 3)


def test_the_windows_of_clients_that_stopped_asking_are_dropped():
    now = [0.0]
    storage = MovingWindowsInMemory(clock=lambda: now[0])
    limiter = MovingWindowRateLimiter(storage)
    [per_minute] = parse_many("10000/minute")
    for client_number in range(100):
        assert limiter.hit(per_minute, f"gone-{client_number}")

    now[0] = 61.0
    for _ in range(SWEEP_EVERY):
        assert limiter.hit(per_minute, "still-here")

    assert limiter.get_window_stats(per_minute, "gone-0").remaining == 10000
    assert storage.reset() == 1  # only the client still asking was kept


class Fact(BaseModel):
    import_id: str = Field(min_length=1)
    seats: int


def checked_and_plain() -> tuple[FastAPI, FastAPI]:
    apps = []
    for route_class in (CheckedBodyRoute, APIRoute):
        router = APIRouter(route_class=route_class)

        @router.post("/admin/import")
        async def post_import(body: list[Fact], request: Request) -> dict[str, object]:
            return {
                "facts": [f.model_dump() for f in body],
                "parsed_once": await request.json() is request.scope.get(PARSED),
            }

        application = FastAPI()
        application.include_router(router)
        application.add_middleware(RequestGuard, limits=BodyLimits(max_bytes=4096))
        apps.append(application)
    return apps[0], apps[1]


async def test_a_checked_body_route_validates_the_document_the_guard_parsed():
    checked, _ = checked_and_plain()
    async with client(checked) as http:
        answer = await http.post("/admin/import", json=[{"import_id": "a", "seats": 3}])
    assert answer.json() == {"facts": [{"import_id": "a", "seats": 3}], "parsed_once": True}


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'[{"import_id": "a", "seats": 3}, {"import_id": "b", "seats": "4"}]', "application/json"),
        (b'[{"import_id": "a", "seats": 3}]', "application/cloudevents-batch+json; charset=utf-8"),
        (b'[{"import_id": "", "seats": 3}]', "application/json"),  # FastAPI's 422
        (b'{"import_id": "a", "seats": 3}', "application/json"),
        (b"null", "application/json"),
        (b"", "application/json"),
        (b'[{"import_id": "a", "seats": 3}', "application/json"),  # the guard's 400
        (b'[{"import_id": "a\\u0000", "seats": 3}]', "application/json"),
        (b'[{"import_id": "a", "seats": 3}]', "text/plain"),
    ],
)
async def test_a_checked_body_route_answers_every_body_as_a_route_that_parses_it_again(body: bytes, content_type: str):
    answers = []
    for application in checked_and_plain():
        async with client(application) as http:
            answer = await http.post("/admin/import", content=body, headers={"content-type": content_type})
        document = answer.json()
        if isinstance(document, dict):
            document.pop("parsed_once", None)
        answers.append((answer.status_code, document))
    assert answers[0] == answers[1]


def nested(depth: int, leaf: object) -> object:
    for _ in range(depth):
        leaf = [leaf]
    return leaf


@pytest.mark.parametrize(
    "document",
    [
        {"a": [1, "x", None, {"b": 2.5}]},
        nested(32, 1),
        nested(33, 1),
        nested(32, []),
        nested(33, []),
        nested(31, {"k": "v"}),
        nested(32, {"k": "v"}),
        nested(32, {}),
        {"a": "y" * 20_000},
        {"a": "y" * 20_001},
        {"y" * 20_001: 1},
        {"a": ["ok", "x\x00"]},
        {"a\x00": 1},
        "\x00",
        "plain",
        "y" * 20_001,
        None,
        3,
        [],
        {},
    ],
)
def test_the_quick_walk_passes_exactly_what_the_located_walk_passes(document: object):
    parser = _Parser(BodyLimits())
    try:
        parser._refuse(document)
        refused = False
    except Refused:
        refused = True
    assert parser._fine(document) is not refused
