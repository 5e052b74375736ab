"""Typed errors the domain raises, and their one mapping to HTTP statuses."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel


class DomainError(Exception):
    status_code = 400
    code = "domain_error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class IllegalTransition(DomainError):
    """The command breaks the student's state machine for this stage."""

    status_code = 409
    code = "illegal_transition"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class InvalidFact(DomainError):
    """A well-formed payload stating something impossible (e.g. a business date in the future)."""

    status_code = 422
    code = "invalid_fact"


class Problem(BaseModel):
    code: str
    detail: str


async def _domain_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DomainError)
    return JSONResponse(status_code=error.status_code, content={"code": error.code, "detail": error.detail})


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)


ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    404: {"model": Problem, "description": "Unknown id"},
    409: {"model": Problem, "description": "The command breaks the state machine; the reason is in detail"},
}
