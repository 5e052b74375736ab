"""The one map from errors to answers: HTTP problem details (RFC 9457, `application/problem+json`) for the
routes and the import, and dead-letter reasons for the Kafka learners.

Domain errors (shared/errors.py) know nothing of HTTP; their kind decides the status here. Validation errors
come back without the values sent, so a refused national ID or name never returns in an answer.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import asyncpg
import structlog
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from shared.errors import Conflict, DomainError, Forbidden, IllegalTransition, InvalidFact, NotFound

PROBLEM_JSON = "application/problem+json"
RETRY_AFTER_SECONDS = 5
log = structlog.get_logger(__name__)
# The database is away (stopped, restarting, out of connections) or undid the transaction: the request changed
# nothing and may be retried.
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.AdminShutdownError,
    # asyncpg's own state error when the connection died in the middle of an operation (a query, the reset on
    # release): seen when PostgreSQL is killed under load (issue 13). A retry with the same key is safe.
    asyncpg.InternalClientError,
    # PostgreSQL undid the transaction (a deadlock with a concurrent bulk run, a serialization failure).
    asyncpg.exceptions.TransactionRollbackError,
)


# A value the database refuses to store or the arithmetic on it overflows (an int beyond 32 bits, a date past
# 9999): the caller sent something out of range, so 422 rather than a 500 or a 503 (asyncpg's client-side
# DataError is an InterfaceError, which DATABASE_UNAVAILABLE would otherwise answer).
OUT_OF_RANGE: tuple[type[Exception], ...] = (
    asyncpg.exceptions.DataError,
    asyncpg.exceptions._base.DataError,
    OverflowError,
)


class Unavailable(Exception):
    """The service cannot take the request now (503 with Retry-After): nothing was recorded."""


_STATUS: dict[type[DomainError], int] = {
    NotFound: 404,
    Forbidden: 403,
    IllegalTransition: 409,
    Conflict: 409,
    InvalidFact: 422,
}


class FieldError(BaseModel):
    type: str
    loc: list[str | int]
    msg: str


class ProblemDetails(BaseModel):
    """RFC 9457 problem details; `code` names the kind of refusal, `errors` lists invalid fields."""

    type: str = Field(examples=["urn:cycle:problem:illegal_transition"])
    title: str = Field(examples=["Conflict"])
    status: int = Field(examples=[409])
    detail: str = Field(examples=["application 8a1f… is undecided; only an admitted one enrols"])
    code: str = Field(examples=["illegal_transition"])
    errors: list[FieldError] | None = None


def status_of(error: DomainError) -> int:
    for kind in type(error).__mro__:
        if kind in _STATUS:
            return _STATUS[kind]
    return 400


def problem(status: int, code: str, detail: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"urn:cycle:problem:{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    return body


def domain_problem(error: DomainError) -> dict[str, Any]:
    return problem(status_of(error), error.code, error.detail)


def dead_letter_reason(error: DomainError) -> str:
    return f"{error.code}: {error.detail}"


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(status_code=body["status"], content=body, media_type=PROBLEM_JSON, headers=headers)


async def _domain_error(_: Request, error: Exception) -> JSONResponse:
    if not isinstance(error, DomainError):
        raise error
    return problem_response(domain_problem(error))


async def _invalid_request(_: Request, error: Exception) -> JSONResponse:
    if not isinstance(error, RequestValidationError):
        raise error
    errors = [{k: v for k, v in e.items() if k in ("type", "loc", "msg")} for e in error.errors()]
    detail = "the request does not match the documented schema"
    return problem_response(problem(422, "invalid_request", detail, jsonable_encoder(errors)))


async def _http_error(_: Request, error: Exception) -> JSONResponse:
    if not isinstance(error, HTTPException):
        raise error
    code = HTTPStatus(error.status_code).phrase.lower().replace(" ", "_")
    headers = dict(error.headers) if error.headers else None
    return problem_response(problem(error.status_code, code, str(error.detail)), headers)


async def _unavailable(_: Request, error: Exception) -> JSONResponse:
    detail = str(error) if isinstance(error, Unavailable) else "the database is unavailable; nothing was recorded"
    if not isinstance(error, Unavailable):
        log.warning("request refused: database unavailable", error=repr(error))
    body = problem(503, "unavailable", detail)
    return problem_response(body, {"Retry-After": str(RETRY_AFTER_SECONDS)})


async def _out_of_range(_: Request, error: Exception) -> JSONResponse:
    log.info("request refused: a value out of range", error=type(error).__name__)
    detail = "a value is out of the range this service stores (a number or date too large)"
    return problem_response(problem(422, "out_of_range", detail))


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    for kind in OUT_OF_RANGE:
        app.add_exception_handler(kind, _out_of_range)
    app.add_exception_handler(Unavailable, _unavailable)
    for kind in DATABASE_UNAVAILABLE:
        app.add_exception_handler(kind, _unavailable)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(HTTPException, _http_error)


def _documented(description: str) -> dict[str, object]:
    return {"model": ProblemDetails, "description": description, "content": {PROBLEM_JSON: {}}}


NOT_FOUND: dict[int | str, dict[str, object]] = {404: _documented("Unknown id")}
ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    **NOT_FOUND,
    409: _documented("The command breaks a state machine or repeats an Idempotency-Key with another body"),
    422: _documented("Invalid fields, or an impossible fact (a future occurred_on)"),
    503: _documented("The database is away or the outbox is over its limit; retry after Retry-After seconds"),
}
