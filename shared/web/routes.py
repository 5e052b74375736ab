"""A command route declared by its parts: POST a path whose ids, with the body, make the command the pipeline runs
(shared/web/commands.py). Every command route has the same endpoint; only the path, the body and the OpenAPI text
differ, so they are what a service writes.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any, Protocol, cast
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from shared.web.commands import IdempotencyKey, submit

_PATH_IDS = re.compile(r"{(\w+)}")
_KEYWORD = inspect.Parameter.KEYWORD_ONLY


class CommandBody(Protocol):
    """A body that makes its command from its route's path ids, passed by the names they have in the path."""

    @property
    def command(self) -> Callable[..., object]: ...


def path_ids(path: str) -> list[str]:
    return _PATH_IDS.findall(path)


def command_route(
    router: APIRouter,
    path: str,
    body: type[BaseModel],
    build: Callable[..., object] | None = None,
    **options: Any,
) -> None:
    """Add POST `path`: `build(body, **ids)` is the command (by default the body's own `command(**ids)`), its
    outcome the answer; `options` go to `add_api_route` (name, status code, answer model, OpenAPI text)."""
    make = build or (lambda sent, **ids: cast(CommandBody, sent).command(**ids))

    async def endpoint(request: Request, body: BaseModel, key: str | None, **ids: UUID) -> JSONResponse:
        return await submit(request, make(body, **ids), key=key, body=body)

    # FastAPI reads the parameters from the signature: the path's ids, the body, the Idempotency-Key header.
    parameters = [inspect.Parameter(name, _KEYWORD, annotation=UUID) for name in path_ids(path)]
    parameters += [
        inspect.Parameter("body", _KEYWORD, annotation=body),
        inspect.Parameter("request", _KEYWORD, annotation=Request),
        inspect.Parameter("key", _KEYWORD, annotation=IdempotencyKey, default=None),
    ]
    endpoint.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]  # read by inspect.signature
    router.add_api_route(path, endpoint, methods=["POST"], **options)
