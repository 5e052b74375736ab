"""The one mapping from training's domain errors to HTTP answers, in the shape of shared.web.errors.Problem."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from services.training.domain.errors import Contradiction, IllegalMove, ImpossibleFact, TrainingError, Unknown
from shared.web.errors import DomainError

_STATUS: dict[type[TrainingError], tuple[int, str]] = {
    Unknown: (404, "not_found"),
    IllegalMove: (409, "illegal_transition"),
    Contradiction: (409, "conflict"),
    ImpossibleFact: (422, "invalid_fact"),
}


def problem(error: TrainingError | DomainError) -> tuple[int, dict[str, Any]]:
    if isinstance(error, DomainError):
        return error.status_code, {"code": error.code, "detail": error.detail}
    status, code = _STATUS[type(error)]
    return status, {"code": code, "detail": error.detail}


async def _training_error(_: Request, error: Exception) -> JSONResponse:
    if not isinstance(error, TrainingError):
        raise error
    status, body = problem(error)
    return JSONResponse(status_code=status, content=body)


def install_problems(app: FastAPI) -> None:
    app.add_exception_handler(TrainingError, _training_error)
