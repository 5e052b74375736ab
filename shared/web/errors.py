"""The one mapping from domain errors (shared/errors.py) to HTTP statuses and problem bodies."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from shared.errors import Conflict, DomainError, IllegalTransition, InvalidFact, NotFound

__all__ = ["ERROR_RESPONSES", "Conflict", "DomainError", "IllegalTransition", "InvalidFact", "NotFound", "Problem"]


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
