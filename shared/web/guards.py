"""Requests refused before any route runs (issue 10), each with a problem-details answer and nothing stored.

`RequestGuard` (pure ASGI, so it sees the bytes before FastAPI does) reads a write's body with a hard size cap
(413), insists on JSON where JSON is documented (415), and refuses JSON no route should have to survive: not
UTF-8 or not JSON (400); NUL characters, which PostgreSQL cannot store in text (the 500s of issue 10); nesting
deeper than any schema here; integers beyond 32 bits, Infinity and NaN; strings longer than any field needs (422).
`RequestTimeout` abandons a request that runs too long (503), so one slow request cannot hold a worker for good.
A route whose body is large (the import) is a `CheckedBodyRoute`: it takes the document the guard parsed, and the
body is not parsed twice.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.web.problems import RETRY_AFTER_SECONDS, problem, problem_response

FORM = "application/x-www-form-urlencoded"
PARSED = "shared.web.guards.parsed"  # the scope's key for the JSON document the guard parsed
MiB = 1024 * 1024


@dataclass(frozen=True)
class BodyLimits:
    max_bytes: int = 1 * MiB
    by_path_suffix: Mapping[str, int] = field(default_factory=lambda: {"/admin/import": 32 * MiB, "/events": 8 * MiB})
    form_paths: frozenset[str] = frozenset({"/oauth/token"})
    max_depth: int = 32
    max_string: int = 20_000
    max_integer: int = 2**31 - 1

    def bytes_for(self, path: str) -> int:
        return next((size for suffix, size in self.by_path_suffix.items() if path.endswith(suffix)), self.max_bytes)


class Refused(Exception):
    def __init__(self, status: int, code: str, detail: str, loc: list[str | int] | None = None) -> None:
        super().__init__(detail)
        self.body = problem(status, code, detail)
        if loc is not None:
            self.body["errors"] = [{"type": code, "loc": ["body", *loc], "msg": detail}]


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json"))


def _refuse_constant(name: str) -> Any:
    raise Refused(422, "number_out_of_range", f"{name} is not a number this service accepts")


class _Parser:
    def __init__(self, limits: BodyLimits) -> None:
        self.limits = limits

    def integer(self, text: str) -> int:
        if len(text) > 12 or abs(int(text)) > self.limits.max_integer:
            raise Refused(422, "number_out_of_range", f"integers are at most {self.limits.max_integer} in magnitude")
        return int(text)

    def real(self, text: str) -> float:
        value = float(text)
        if not math.isfinite(value):
            raise Refused(422, "number_out_of_range", "numbers must be finite")
        return value

    def parse(self, body: bytes) -> Any:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise Refused(400, "invalid_encoding", "the body is not UTF-8") from error
        try:
            return json.loads(text, parse_int=self.integer, parse_float=self.real, parse_constant=_refuse_constant)
        except RecursionError as error:
            raise Refused(422, "too_deep", f"JSON nests at most {self.limits.max_depth} levels") from error
        except ValueError as error:
            raise Refused(400, "malformed_json", "the body is not well-formed JSON") from error

    def check(self, value: Any) -> None:
        """Depth, string lengths and NUL characters, keys included: a quick walk, and a second, saying where, only
        for a document to refuse."""
        if not self._fine(value):
            self._refuse(value)

    def _fine(self, value: Any) -> bool:
        """Whether `_refuse` passes the document: its walk without locations, a container's texts checked in place."""
        max_depth, max_string = self.limits.max_depth, self.limits.max_string
        if isinstance(value, str):
            return "\x00" not in value and len(value) <= max_string
        if not isinstance(value, dict | list):
            return True
        pending: list[tuple[Any, int]] = [(value, 0)]
        while pending:
            item, depth = pending.pop()
            if item and depth >= max_depth:
                return False
            if isinstance(item, dict):
                if any("\x00" in key or len(key) > max_string for key in item):
                    return False
                item = item.values()
            for child in item:
                if isinstance(child, str):
                    if "\x00" in child or len(child) > max_string:
                        return False
                elif isinstance(child, dict | list):
                    pending.append((child, depth + 1))
        return True

    def _refuse(self, value: Any) -> None:
        """Raises the refusal of the first item the walk (without recursion) finds wrong, with where it is."""
        pending: list[tuple[Any, list[str | int]]] = [(value, [])]
        while pending:
            item, loc = pending.pop()
            if len(loc) > self.limits.max_depth:
                raise Refused(422, "too_deep", f"JSON nests at most {self.limits.max_depth} levels", loc[:8])
            if isinstance(item, str):
                self._text(item, loc)
            elif isinstance(item, dict):
                for key, child in item.items():
                    self._text(key, [*loc, key[:100]])
                    pending.append((child, [*loc, key[:100]]))
            elif isinstance(item, list):
                pending.extend((child, [*loc, n]) for n, child in enumerate(item))

    def _text(self, text: str, loc: list[str | int]) -> None:
        if "\x00" in text:
            raise Refused(422, "nul_character", "text may not contain NUL characters", loc)
        if len(text) > self.limits.max_string:
            raise Refused(422, "string_too_long", f"text fields have at most {self.limits.max_string} characters", loc)


_CHECKED_INLINE = 64 * 1024


class RequestGuard:
    def __init__(self, app: ASGIApp, limits: BodyLimits | None = None) -> None:
        self.app = app
        self.limits = limits or BodyLimits()
        self._parser = _Parser(self.limits)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        try:
            body = await self._checked_body(scope, receive)
        except Refused as refused:
            await problem_response(refused.body)(scope, receive, send)
            return
        await self.app(scope, _replaying(body, receive), send)

    async def _checked_body(self, scope: Scope, receive: Receive) -> bytes:
        headers, path = Headers(scope=scope), scope["path"]
        limit = self.limits.bytes_for(path)
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise Refused(413, "payload_too_large", f"a request to {path} has at most {limit} bytes")
        body = await _read(receive, limit, path)
        if not body:
            return body
        media_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if path in self.limits.form_paths and media_type == FORM:
            return body
        if not _is_json(media_type):
            raise Refused(415, "unsupported_media_type", "send the body as application/json")
        if len(body) > _CHECKED_INLINE:  # a large body is walked off the event loop: other requests go on
            scope[PARSED] = await asyncio.to_thread(self._checked, body)
        else:
            scope[PARSED] = self._checked(body)
        return body

    def _checked(self, body: bytes) -> Any:
        document = self._parser.parse(body)
        self._parser.check(document)
        return document


async def _read(receive: Receive, limit: int, path: str) -> bytes:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise Refused(400, "client_disconnected", "the request ended before its body")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise Refused(413, "payload_too_large", f"a request to {path} has at most {limit} bytes")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()  # after the body: the disconnect, when it comes
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


class _CheckedBodyRequest(Request):
    async def json(self) -> Any:
        if PARSED in self.scope:
            return self.scope[PARSED]
        return await super().json()


class CheckedBodyRoute(APIRoute):
    """A route whose JSON body is the document `RequestGuard` parsed (the same `json.loads` gives, once checked)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            return await handler(_CheckedBodyRequest(request.scope, request.receive))

        return handle


class RequestTimeout:
    """`seconds` for the whole answer of a request, except the streams (`/stream` paths) that are meant to last."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].endswith("/stream"):
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            async with asyncio.timeout(self.seconds):
                await self.app(scope, receive, sending)
        except TimeoutError:
            if started:
                raise
            body = problem(503, "timeout", f"the request took over {self.seconds:g} s and was abandoned; retry later")
            await problem_response(body, {"Retry-After": str(RETRY_AFTER_SECONDS)})(scope, receive, send)
