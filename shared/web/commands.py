"""Routes hand their command to the pipeline here and present its outcome: 201 recorded, 202 held.

A repeated Idempotency-Key returns the first answer with its first status and changes nothing; the key's
fingerprint is keyed with the service's secret, so a stored fingerprint of a body with personal data cannot be
tested against guesses. Keys are the client's own (stored as `client:<client id>:<key>`): one client cannot
replay another's answers, nor take a key an operator's import (`import:<id>`) will use.
"""

from __future__ import annotations

import hmac
import json
from typing import Annotated, Any

from fastapi import Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from shared.application.outcome import Outcome
from shared.application.pipeline import Idempotency
from shared.web.auth import actor_of
from shared.web.problems import Unavailable
from shared.web.runtime import runtime_of

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=200,
        description="Repeating a command with the same key returns the first answer and changes nothing.",
    ),
]


# `json.dumps(parts, sort_keys=True, default=str)`, with its encoder made once; parts are never circular.
_CANONICAL = json.JSONEncoder(sort_keys=True, default=str, check_circular=False)


def fingerprint(secret: bytes, *parts: Any) -> bytes:
    return hmac.digest(secret, _CANONICAL.encode(parts).encode(), "sha256")


def status_of(outcome: Outcome) -> int:
    return 202 if outcome.held else 201


async def submit(request: Request, command: object, *, key: str | None, body: BaseModel | None) -> JSONResponse:
    """Run `command` through the service's pipeline; `body` is what the caller sent, for the key's fingerprint."""
    runtime = runtime_of(request)
    if runtime.monitor.over_limit:
        raise Unavailable("the outbox is over its limit while the broker catches up; retry later")
    actor = actor_of(request)
    idempotency = None
    if key is not None:
        sent = body.model_dump(mode="json") if body is not None else None
        secret = runtime.settings.national_id_key.encode()
        owner = actor.client_id if actor is not None else "anonymous"
        idempotency = Idempotency(f"client:{owner}:{key}", fingerprint(secret, request.method, request.url.path, sent))
    outcome = await runtime.pipeline.handle(command, idempotency=idempotency, actor=actor)
    return JSONResponse(status_code=status_of(outcome), content=dict(outcome.answer))
